"""Black, in process: the formatter of record for every generated Python file.

Files rendered from the built-in templates are laid out as black lays them out by
``generator.blackline``, which leaves black only the statements that outgrow their line (the
built-in runtime modules, copied as they are, are in black's layout already); other
files (a team's templates, shapes that reader does not take) go through black whole. Either
way the output is black's, byte for byte (tests compare the two over the corpus).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import closing
from typing import Any

import black
from black.mode import TargetVersion

from generator.blackline import Piece, Snippet, assemble, format_snippets, plan_file
from generator.inputs import builtin_templates as builtin_template_folder
from generator.render import RUNTIME_DIR

MODE = black.Mode(target_versions={TargetVersion.PY310})
# The characters of a chunk of files sent to a worker: small enough for the workers to
# finish together, large enough that its run of black and its round trip cost little. Below
# one chunk, starting workers would cost more than it saves.
CHUNK_CHARS = 200_000


class FormatError(Exception):
    """Black rejected a generated file: a bug in a template, reported with the file's name."""


def format_source(path: str, text: str) -> str:
    try:
        return black.format_str(text, mode=MODE)
    except Exception as exc:  # black raises several types; all mean the same to us
        raise FormatError(
            f"{path}: black could not format the generated code: {exc}"
        ) from None


#: The files black formats, by suffix: modules and stubs (a stub of imports only, as the built-in
#: templates write, comes out of black's stub mode the same).
PYTHON_SUFFIXES = (".py", ".pyi")


def formattable(files: Mapping[str, str]) -> list[tuple[str, str]]:
    """The files black formats: the Python ones that are not empty."""
    return [
        (p, t) for p, t in files.items() if p.endswith(PYTHON_SUFFIXES) and t.strip()
    ]


def format_files(
    files: Mapping[str, str],
    workers: int = 1,
    on_file: Callable[[str], None] | None = None,
    *,
    builtin_templates: bool = False,
) -> dict[str, str]:
    """The same files with every Python one black-formatted; others unchanged.

    ``builtin_templates`` says the files come from the built-in templates, so the fast
    reader applies (a team's templates may write code in any layout). ``on_file`` is told
    each path once its file is formatted (for a progress bar).
    """
    with closing(Formatter(workers, builtin_templates=builtin_templates)) as formatter:
        done = [
            item for path, text in files.items() for item in formatter.add(path, text)
        ]
        done.extend(formatter.rest())
    formatted = dict(done)
    if on_file:
        for path, _ in formattable(files):
            on_file(path)
    return {path: formatted[path] for path in files}


class Formatter:
    """Black for files that come one by one, as they are rendered: ``add`` takes each and
    hands back what is done by then, ``rest`` (once every file was given) the others as they
    are done. Files black has nothing to do with come back at once.

    Worker processes, forked when the first chunk of files fills up, format chunks of whole
    files while this process goes on rendering and writing (alone, it would leave one core
    of two idle, then wait on the workers). A file's text does not depend on its chunk.
    ``builtin_templates``: see ``format_files``; ``chunk_chars``: the characters of a chunk.
    """

    def __init__(
        self,
        workers: int = 1,
        *,
        builtin_templates: bool = False,
        chunk_chars: int = CHUNK_CHARS,
    ) -> None:
        self.workers = workers
        self.builtin_templates = builtin_templates
        self.chunk_chars = chunk_chars
        self.chunk: list[tuple[str, str]] = []
        self.chunk_size = 0
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[Future[list[tuple[str, str]]], int] = {}  # -> its file count
        self.formatted: list[tuple[str, str]] = []  # formatted in this process
        self.runtime_sources = _runtime_sources() if builtin_templates else {}

    def add(self, path: str, text: str) -> list[tuple[str, str]]:
        """Take one file; the files done by now, this one first if black has nothing to do."""
        done = (
            []
            if path.endswith(PYTHON_SUFFIXES)
            and text.strip()
            and not _runtime_copy(path, text, self.runtime_sources)
            else [(path, text)]
        )
        if not done:
            self.chunk.append((path, text))
            self.chunk_size += len(text)
            if self.chunk_size >= self.chunk_chars:
                self._submit(more_to_come=True)
        return done + self._finished()

    @property
    def waiting(self) -> int:
        """How many files given are not handed back yet."""
        return len(self.chunk) + len(self.formatted) + sum(self.futures.values())

    def rest(self) -> Iterator[tuple[str, str]]:
        """Every file not handed back yet, as soon as it is done."""
        self._submit(more_to_come=False)
        yield from self._finished()
        for future in as_completed(list(self.futures)):
            del self.futures[future]
            yield from future.result()

    def close(self) -> None:
        """Stop the workers (the chunks none has started are dropped)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            gc.unfreeze()

    def start_workers(self) -> None:
        """Fork the workers now (when many files are to come), before the caller starts
        threads of its own: a process forked while other threads run may inherit a lock one
        of them holds."""
        if self.pool is not None or self.workers < 2:
            return
        # what this process holds (the document, the IR) left out of the cycle collector's
        # walks: a forked worker's collections then neither walk it nor copy the pages they
        # touch; given back in close
        gc.freeze()
        self.pool = ProcessPoolExecutor(self.workers, _fork_context())
        self.pool.submit(
            int
        ).result()  # forked with the first task, every worker at once

    def _submit(self, *, more_to_come: bool) -> None:
        """The chunk to a worker, or formatted here: with one worker, or when it is the only
        chunk (a small package: starting workers would cost more than it saves)."""
        chunk, self.chunk, self.chunk_size = self.chunk, [], 0
        if not chunk:
            return
        if more_to_come:
            self.start_workers()
        if self.pool is None:
            self.formatted += _format_chunk(chunk, self.builtin_templates)
        else:
            future = self.pool.submit(_format_chunk, chunk, self.builtin_templates)
            self.futures[future] = len(chunk)

    def _finished(self) -> list[tuple[str, str]]:
        done, self.formatted = self.formatted, []
        for future in [f for f in self.futures if f.done()]:
            del self.futures[future]
            done += future.result()
        return done


def _runtime_sources() -> dict[str, str]:
    """The built-in runtime modules' text, by file name."""
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in (builtin_template_folder() / RUNTIME_DIR).glob("*.py")
    }


def _runtime_copy(path: str, text: str, sources: Mapping[str, str]) -> bool:
    """Whether the file is a built-in runtime module copied as it is under the files'
    comment header: in black's layout already (tests/unit/test_blackline.py holds each to
    it), so black does not read it again."""
    folder, _, name = path.rpartition("/")
    source = sources.get(name)
    if not (folder.endswith("/_runtime") and source and text.endswith(source)):
        return False
    header = text[: len(text) - len(source)].splitlines()
    return all(line.startswith("# ") for line in header)


def _fork_context() -> Any:
    """Workers forked from this process on Linux (they start at once and share its pages);
    elsewhere the platform's default (macOS, for one, does not take forking a process that
    has used some of its system libraries)."""
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _format_chunk(
    chunk: list[tuple[str, str]], builtin_templates: bool
) -> list[tuple[str, str]]:
    """One chunk of files formatted: through the fast reader, its snippets in one run of
    black, or (a team's templates, shapes the reader does not take) through black whole.
    """
    plans = [plan_file(text) if builtin_templates else None for _, text in chunk]
    snippets = {s for plan in plans if plan for s in _snippets(plan)}
    formatted = format_snippets(
        snippets, lambda text: black.format_str(text, mode=MODE)
    )
    return [
        (
            path,
            (
                assemble(plan, formatted)
                if plan is not None and all(p in formatted for p in _snippets(plan))
                else format_source(path, text)
            ),
        )
        for (path, text), plan in zip(chunk, plans)
    ]


def _snippets(plan: list[Piece]) -> Iterable[Snippet]:
    return (p for p in plan if isinstance(p, Snippet))

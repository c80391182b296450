"""Black, in process: the formatter of record for every generated Python file.

Files rendered from the built-in templates are laid out as black lays them out by
``generator.blackline``, which leaves black only the statements that outgrow their line (the
built-in runtime modules, copied as they are, are in black's layout already); other
files (a team's templates, shapes that reader does not take) go through black whole. Either
way the output is black's, byte for byte (tests compare the two over the corpus).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

import black
from black.mode import TargetVersion

from generator.blackline import Piece, Snippet, assemble, format_snippets, plan_file
from generator.inputs import builtin_templates as builtin_template_folder
from generator.render import RUNTIME_DIR

MODE = black.Mode(target_versions={TargetVersion.PY310})
# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_THRESHOLD = 64

T = TypeVar("T")
R = TypeVar("R")


class FormatError(Exception):
    """Black rejected a generated file: a bug in a template, reported with the file's name."""


def format_source(path: str, text: str) -> str:
    try:
        return black.format_str(text, mode=MODE)
    except Exception as exc:  # black raises several types; all mean the same to us
        raise FormatError(
            f"{path}: black could not format the generated code: {exc}"
        ) from None


def _format_pair(item: tuple[str, str]) -> str:
    return format_source(*item)


def _format_batch(batch: list[Snippet]) -> dict[Snippet, str]:
    return format_snippets(set(batch), lambda text: black.format_str(text, mode=MODE))


def formattable(files: Mapping[str, str]) -> list[tuple[str, str]]:
    """The files black formats: the Python ones that are not empty."""
    return [(p, t) for p, t in files.items() if p.endswith(".py") and t.strip()]


def format_files(
    files: Mapping[str, str],
    workers: int = 1,
    on_file: Callable[[str], None] | None = None,
    *,
    builtin_templates: bool = False,
) -> dict[str, str]:
    """The same files with every ``.py`` one black-formatted; others unchanged.

    ``builtin_templates`` says the files come from the built-in templates, so the fast
    reader applies (a team's templates may write code in any layout). ``on_file`` is told
    each path once its file is formatted (for a progress bar).
    """
    copies = _runtime_copies(files) if builtin_templates else set()
    python = [(p, t) for p, t in formattable(files) if p not in copies]
    result = dict(files)
    parallel = workers > 1 and len(python) >= _PARALLEL_THRESHOLD
    pool: Any = ProcessPoolExecutor(max_workers=workers) if parallel else nullcontext()
    with _heap_frozen(parallel), pool:
        run = _runner(pool if parallel else None, workers)
        texts = [text for _, text in python]
        plans = run(plan_file, texts) if builtin_templates else [None] * len(python)
        snippets = sorted(
            {s for plan in plans if plan for s in _snippets(plan)},
            key=lambda s: (s.source, s.kind, s.depth),
        )
        formatted: dict[Snippet, str] = {}
        for done in run(_format_batch, _batches(snippets, workers if parallel else 1)):
            formatted.update(done)
        plans = [
            (
                plan
                if plan is None or all(p in formatted for p in _snippets(plan))
                else None
            )
            for plan in plans
        ]
        whole = [(p, t) for (p, t), plan in zip(python, plans) if plan is None]
        black_whole = dict(zip((p for p, _ in whole), run(_format_pair, whole)))
    for (path, _), plan in zip(python, plans):
        result[path] = black_whole[path] if plan is None else assemble(plan, formatted)
        if on_file:
            on_file(path)
    for path in sorted(copies):
        if on_file:
            on_file(path)
    return result


def _runtime_copies(files: Mapping[str, str]) -> set[str]:
    """The files that are built-in runtime modules copied as they are under the files'
    comment header: in black's layout already (tests/unit/test_blackline.py holds each to
    it), so black does not read them again."""
    sources = {
        path.name: path.read_text(encoding="utf-8")
        for path in (builtin_template_folder() / RUNTIME_DIR).glob("*.py")
    }
    copies = set()
    for path, text in files.items():
        folder, _, name = path.rpartition("/")
        source = sources.get(name)
        if folder.endswith("/_runtime") and source and text.endswith(source):
            header = text[: len(text) - len(source)].splitlines()
            if all(line.startswith("# ") for line in header):
                copies.add(path)
    return copies


@contextmanager
def _heap_frozen(frozen: bool) -> Iterator[None]:
    """What this process holds (the document, the IR, the rendered files) left out of the
    cycle collector's walks while workers forked from it format: a worker's collections then
    neither walk it nor copy the pages they touch (``gc.freeze``); given back after."""
    if frozen:
        gc.freeze()
    try:
        yield
    finally:
        if frozen:
            gc.unfreeze()


def _snippets(plan: list[Piece]) -> Iterable[Snippet]:
    return (p for p in plan if isinstance(p, Snippet))


def _runner(
    pool: Executor | None, workers: int
) -> Callable[[Callable[[T], R], list[T]], list[R]]:
    """``map`` over the pool's workers, in chunks, or in this process without one."""

    def run(function: Callable[[T], R], items: list[T]) -> list[R]:
        if pool is None or len(items) < 2:
            return [function(item) for item in items]
        chunk = max(1, len(items) // (workers * 8))
        return list(pool.map(function, items, chunksize=chunk))

    return run


def _batches(snippets: list[Snippet], count: int) -> list[list[Snippet]]:
    """``snippets`` dealt into ``count`` batches of about equal size (black's cost grows with
    the text, so by characters), each formatted in one run of black."""
    batches: list[list[Snippet]] = [[] for _ in range(count)]
    sizes = [0] * count
    for snippet in sorted(snippets, key=lambda s: -len(s.source)):
        smallest = sizes.index(min(sizes))
        batches[smallest].append(snippet)
        sizes[smallest] += len(snippet.source)
    return [batch for batch in batches if batch]

"""Black, in process: the formatter of record for every generated Python file.

Files rendered from the built-in templates are laid out as black lays them out by
``generator.blackline``, which leaves black only the statements that outgrow their line; other
files (a team's templates, shapes that reader does not take) go through black whole. Either
way the output is black's, byte for byte (tests compare the two over the corpus).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

import black
from black.mode import TargetVersion

from generator.blackline import Piece, Snippet, assemble, format_snippets, plan_file

MODE = black.Mode(target_versions={TargetVersion.PY310})
# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_THRESHOLD = 64
# Chunks per worker: enough for the workers to finish together and for the first results
# to come early; each costs a run of black and a round trip to its worker.
_CHUNKS_PER_WORKER = 12


class FormatError(Exception):
    """Black rejected a generated file: a bug in a template, reported with the file's name."""


def format_source(path: str, text: str) -> str:
    try:
        return black.format_str(text, mode=MODE)
    except Exception as exc:  # black raises several types; all mean the same to us
        raise FormatError(
            f"{path}: black could not format the generated code: {exc}"
        ) from None


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
    """The same files with every ``.py`` one black-formatted; others unchanged (see
    ``iter_formatted``)."""
    done = dict(
        iter_formatted(files, workers, on_file, builtin_templates=builtin_templates)
    )
    return {path: done[path] for path in files}


def iter_formatted(
    files: Mapping[str, str],
    workers: int = 1,
    on_file: Callable[[str], None] | None = None,
    *,
    builtin_templates: bool = False,
    done: Collection[str] = (),
) -> Iterator[tuple[str, str]]:
    """``(path, text)`` of every file, each ``.py`` one black-formatted, as soon as it is done:
    first the files black has nothing to do with, while the workers start on the others, then
    the formatted ones chunk by chunk, as the workers finish them. The caller writes each as it
    comes, so writing overlaps formatting (on one core of two the main process would only wait).

    ``builtin_templates`` says the files come from the built-in templates, so the fast
    reader applies (a team's templates may write code in any layout). ``on_file`` is told
    each path once its file is formatted (for a progress bar). A file's text does not depend
    on the chunk it was formatted in. The files at the paths in ``done`` are formatted
    already (taken from OUT as the last run wrote them) and come as they are.
    """
    python = [(p, t) for p, t in formattable(files) if p not in done]
    names = {path for path, _ in python}
    chunks = _chunks(python, workers)
    parallel = workers > 1 and len(python) >= _PARALLEL_THRESHOLD and len(chunks) > 1
    pool = ProcessPoolExecutor(workers, _fork_context()) if parallel else None
    with _heap_frozen(pool is not None):
        try:
            if pool is not None:
                futures = [
                    pool.submit(_format_chunk, chunk, builtin_templates)
                    for chunk in chunks
                ]
                results = (future.result() for future in as_completed(futures))
            else:
                results = (_format_chunk(chunk, builtin_templates) for chunk in chunks)
            # the workers start on the chunks while these are written
            yield from ((p, t) for p, t in files.items() if p not in names)
            for formatted in results:
                for path, text in formatted:
                    if on_file:
                        on_file(path)
                    yield path, text
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)


def _fork_context() -> Any:
    """Workers forked from this process where the platform can (they start at once and
    share its pages), else the platform's default."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _chunks(python: list[tuple[str, str]], workers: int) -> list[list[tuple[str, str]]]:
    """The files dealt into chunks of about equal size, the largest first, so that the
    workers finish together and the first results come early; a file larger than a chunk
    is one on its own. Files that share statements mostly share a chunk (black formats a
    statement once per chunk): a model's request and response forms, sync and async
    methods, sit in one file."""
    total = sum(len(text) for _, text in python)
    target = max(1, total // (max(1, workers) * _CHUNKS_PER_WORKER))
    chunks: list[list[tuple[str, str]]] = []
    size = target
    for item in sorted(python, key=lambda item: (-len(item[1]), item[0])):
        if size >= target:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += len(item[1])
    return chunks


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

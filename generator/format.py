"""Black, in process: the formatter of record for every generated Python file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor

import black

MODE = black.Mode(target_versions={black.TargetVersion.PY310})
# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_THRESHOLD = 64


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


def formattable(files: Mapping[str, str]) -> list[tuple[str, str]]:
    """The files black formats: the Python ones that are not empty."""
    return [(p, t) for p, t in files.items() if p.endswith(".py") and t.strip()]


def format_files(
    files: Mapping[str, str],
    workers: int = 1,
    on_file: Callable[[str], None] | None = None,
) -> dict[str, str]:
    """The same files with every ``.py`` one black-formatted; others unchanged.

    ``on_file`` is told each path once its file is formatted (for a progress bar).
    """
    python = formattable(files)
    result = dict(files)
    if workers > 1 and len(python) >= _PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            formatted = pool.map(
                _format_pair, python, chunksize=max(1, len(python) // (workers * 8))
            )
            for (path, _), text in zip(python, formatted):
                result[path] = text
                if on_file:
                    on_file(path)
    else:
        for path, text in python:
            result[path] = format_source(path, text)
            if on_file:
                on_file(path)
    return result

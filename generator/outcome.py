"""Exit codes and the outcome of a run, apart from the pipeline so that the CLI can answer
``--check`` from the manifest without importing the heavy stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostics

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_CHECK_FAILED = 3
EXIT_BREAKING = 4


@dataclass
class Outcome:
    exit_code: int
    diagnostics: Diagnostics
    lines: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, in the plural unless one: "1 error", "2 errors", "0 files"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"

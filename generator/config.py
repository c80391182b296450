"""Every setting of a run, with its default, in one frozen place; CLI flags fill it in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Config:
    spec: Path
    output: Path | None = None
    package_name: str | None = None
    templates: Path | None = None
    check: bool = False
    strict: bool = False
    report: Path | None = None
    quiet: bool = False
    workers: int = 2

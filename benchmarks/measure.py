"""Timing whole processes, and the statistics we report.

A sample is one process run to completion: wall time from spawn to exit, and the peak
resident memory of the largest process in its tree. ``os.wait4`` returns the rusage of
the child including its waited-for descendants, and Linux reports ``ru_maxrss`` there as
the largest of them, so a Python wrapper that starts Java is charged for the JVM.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mib: float
    returncode: int
    output_tail: str


def _kill_group(pid: int) -> None:
    """Stop a process and everything it started; it may have ended on its own meanwhile."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_process(
    argv: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 3600.0,
    log_file: Path | None = None,
) -> Sample:
    """Run ``argv`` to completion; stdout and stderr go to a file, not a pipe, so a chatty
    tool cannot stall on a full pipe or be charged for our reading it."""
    out_path = log_file or Path(os.devnull)
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(a) for a in argv],
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a timeout stops the tree
        )
        # A blocking wait sees the exit at once; polling would add up to its interval to
        # every sample (5 ms polls put 2.5 ms on a 0.2 s process). A timer ends a process
        # that outlives the timeout.
        watchdog = threading.Timer(timeout, _kill_group, (proc.pid,))
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            # Interrupted (Ctrl-C, a test's timeout): take the tree down with us.
            _kill_group(proc.pid)
            proc.wait()
            raise
        finally:
            watchdog.cancel()
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = ""
    if log_file is not None and proc.returncode != 0:
        tail = " / ".join(
            log_file.read_text(errors="replace").strip().splitlines()[-3:]
        )
    return Sample(elapsed, usage.ru_maxrss / 1024, proc.returncode, tail[-400:])


@dataclass
class Series:
    """The samples of one contender in one measurement."""

    label: str
    values: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    error: str | None = None

    def add(self, value: float, peak: float | None = None) -> None:
        self.values.append(value)
        if peak is not None:
            self.peaks.append(peak)

    @property
    def ok(self) -> bool:
        return bool(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def peak_median(self) -> float:
        return statistics.median(self.peaks)


def rotated(items: Sequence[T], repetition: int) -> list[T]:
    """The contenders in a different order each repetition, so no one always runs
    first (cold disk cache) or last (after a neighbour warmed the CPU)."""
    k = repetition % len(items) if items else 0
    return list(items[k:]) + list(items[:k])

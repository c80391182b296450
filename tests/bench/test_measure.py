"""Timing a whole process: the exit code and the sample's wall time come from one blocking
wait, and a process tree that outlives the timeout is stopped, children too."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def measure(bench_module: Callable[[str], ModuleType]) -> ModuleType:
    return bench_module("measure")


def test_a_sample_carries_the_exit_code_and_the_output_tail(
    measure: ModuleType, tmp_path: Path
) -> None:
    log = tmp_path / "out.log"
    script = "import sys; print('one'); print('two'); sys.exit(3)"
    sample = measure.run_process([sys.executable, "-c", script], log_file=log)
    assert sample.returncode == 3
    assert sample.output_tail == "one / two"
    assert sample.seconds > 0 and sample.peak_mib > 0


def test_a_process_tree_past_its_timeout_is_killed(
    measure: ModuleType, tmp_path: Path
) -> None:
    pid_file = tmp_path / "grandchild.pid"
    # The child starts a grandchild that would sleep for a minute, then sleeps itself.
    script = (
        "import subprocess, sys, time; "
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        f"open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(60)"
    )
    sample = measure.run_process([sys.executable, "-c", script], timeout=2.0)
    assert sample.returncode == -9
    assert sample.seconds < 30
    assert _ends(int(pid_file.read_text()))


def _ends(pid: int) -> bool:
    """Whether ``pid`` is gone or a zombie within five seconds (killed processes are reaped
    by whoever adopted them, which in a container may be nobody)."""
    stat = Path(f"/proc/{pid}/stat")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False

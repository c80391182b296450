"""``oapigen generate`` in a child process that stops inside the writer, for the tests of what
a kill, or a second run, meets there.

``start`` runs the CLI with ``generator.writer.<function>`` made to stop: after ``after`` calls
it creates ``ready`` and waits until ``go`` exists (never, for a run that is to be killed).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

STOPPED_RUN = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import generator.writer as writer
    from generator.cli import main

    function, after = sys.argv[1], int(sys.argv[2])
    ready, go = Path(sys.argv[3]), Path(sys.argv[4])
    original = getattr(writer, function)
    calls = []

    def stopping(*args, **kwargs):
        calls.append(1)
        if len(calls) > after:
            ready.touch()
            while not go.exists():
                time.sleep(0.02)
        return original(*args, **kwargs)

    setattr(writer, function, stopping)
    main(sys.argv[5:])
    """)


def start(
    function: str, after: int, ready: Path, go: Path, *cli: str
) -> subprocess.Popen[bytes]:
    """The stopped run, started; ``wait_for`` returns once it has stopped."""
    return subprocess.Popen(
        [sys.executable, "-c", STOPPED_RUN, function, str(after), str(ready), str(go)]
        + list(cli),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(child: subprocess.Popen[bytes], ready: Path, point: str) -> None:
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert child.poll() is None, child.communicate()[0].decode()
        assert time.monotonic() < deadline, f"the run never reached {point}"
        time.sleep(0.05)


def killed(function: str, after: int, ready: Path, point: str, *cli: str) -> None:
    """A run stopped there, then killed with SIGKILL."""
    child = start(function, after, ready, ready.with_name("never"), *cli)
    try:
        wait_for(child, ready, point)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)

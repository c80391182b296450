"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from loopback import Loopback


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """A fresh HTTP/1.1 server on 127.0.0.1 for one test (see tests/loopback.py)."""
    server = Loopback().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared specs and captures, kept beside the repository as ``../shared``.

    Missing, they fail the run in CI (which must provide them) and skip the test elsewhere.
    """
    path = (Path(__file__).resolve().parents[1] / ".." / "shared").resolve()
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(
                f"{path} is missing: CI must put the shared material beside the checkout"
            )
        pytest.skip(f"{path} is missing: the shared specs live beside the repository")
    return path


@pytest.fixture
def mount() -> Iterator[Callable[..., Path]]:
    """``mount(target)`` mounts a fresh tmpfs at ``target``, ``mount(target, source)`` binds
    ``source`` there, ``mount(target, read_only=True)`` makes a mount read-only; every mount
    is undone when the test ends, whatever its result. Where mounting is impossible, the test
    fails in CI (which runs as root where mounting works) and is skipped elsewhere."""
    made: list[Path] = []

    def run(args: list[str]) -> None:
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            unavailable(f"{' '.join(args)}: {exc}")
        if done.returncode != 0:
            unavailable(f"{' '.join(args)}: {done.stderr.strip()}")

    def mount(
        target: Path, source: Path | None = None, *, read_only: bool = False
    ) -> Path:
        if read_only:
            run(["mount", "-o", "remount,ro", str(target)])
            return target
        target.mkdir(parents=True, exist_ok=True)
        if source is None:
            run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(target)])
        else:
            run(["mount", "--bind", str(source), str(target)])
        made.append(target)
        return target

    try:
        yield mount
    finally:
        for target in reversed(made):
            if subprocess.run(["umount", str(target)], capture_output=True).returncode:
                subprocess.run(["umount", "-l", str(target)], capture_output=True)


def unavailable(reason: str) -> NoReturn:
    """Mounting cannot be tried here: a failure in CI, a skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"mounting must work in CI: {reason}")
    pytest.skip(f"mounting is not possible here: {reason}")

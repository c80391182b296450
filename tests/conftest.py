"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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

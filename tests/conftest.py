"""Fixtures shared by the whole test suite."""

from __future__ import annotations

from collections.abc import Iterator

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

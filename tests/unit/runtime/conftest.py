"""Loads templates/runtime as the package ``oapigen_runtime``, as a generated client
would hold it under ``<pkg>/_runtime``, so the runtime tests import it by that name."""

from __future__ import annotations

import importlib.util
import ssl
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from loopback import Loopback

RUNTIME_DIR = Path(__file__).resolve().parents[3] / "templates" / "runtime"
PACKAGE = "oapigen_runtime"


def _load_runtime() -> None:
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        PACKAGE,
        RUNTIME_DIR / "__init__.py",
        submodule_search_locations=[str(RUNTIME_DIR)],
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    spec.loader.exec_module(module)


_load_runtime()


@pytest.fixture(scope="session")
def ssl_context() -> ssl.SSLContext:
    """One TLS context for all test clients: building one per client costs ~40 ms."""
    return ssl.create_default_context()


@pytest.fixture
def make_transport(
    loopback: Loopback, ssl_context: ssl.SSLContext
) -> Iterator[Callable[..., Any]]:
    """Builds SyncTransports aimed at the loopback server, without retries unless
    asked, and closes them and their HTTP clients after the test."""
    from oapigen_runtime.transport import SyncTransport

    clients: list[httpx.Client] = []

    def make(**options: Any) -> SyncTransport:
        options.setdefault("base_url", loopback.url)
        options.setdefault("credentials", {})
        options.setdefault("credential_hints", {})
        options.setdefault("max_retries", 0)
        if "http_client" not in options:
            options["http_client"] = httpx.Client(verify=ssl_context)
            clients.append(options["http_client"])
        return SyncTransport(**options)

    yield make
    for client in clients:
        client.close()

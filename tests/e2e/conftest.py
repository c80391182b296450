"""The clients of the end-to-end tests: the checked-in Chat client, and the round-trip client
generated from tests/e2e/roundtrip.yaml for a session-wide echo server on 127.0.0.1, whose
port is written into the document's servers first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from clientgen import generate_client, import_client
from loopback import Loopback, Reply, echo

SPEC = Path(__file__).with_name("roundtrip.yaml")
CHAT_CLIENT = Path(__file__).resolve().parents[2] / "generated" / "chat_client"
PACKAGE = "roundtrip_client"
TOKEN = {"access_token": "oauth-token-1", "token_type": "bearer", "expires_in": 3600}


@pytest.fixture(scope="session")
def chat() -> ModuleType:
    """The checked-in Chat client, imported from ``generated/chat_client``."""
    return import_client(CHAT_CLIENT, "chat_client")


@pytest.fixture(scope="session")
def echo_server() -> Iterator[Loopback]:
    """Answers every request with what it received (``loopback.echo``); ``POST
    /oauth/token`` hands out a client credentials token."""
    server = Loopback().start()
    server.always("POST", "/oauth/token", Reply.json(TOKEN))
    server.always("*", "*", echo)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def roundtrip_dir(
    echo_server: Loopback, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp("roundtrip")
    port = echo_server.url.rsplit(":", 1)[1]
    spec = folder / "roundtrip.yaml"
    spec.write_text(SPEC.read_text().replace("__PORT__", port))
    return generate_client(spec, folder / "out", PACKAGE)


@pytest.fixture(scope="session")
def roundtrip(roundtrip_dir: Path) -> ModuleType:
    """The generated ``roundtrip_client`` package."""
    return import_client(roundtrip_dir, PACKAGE)


@pytest.fixture
def client(roundtrip: ModuleType, echo_server: Loopback) -> Iterator[Any]:
    """A client of the echo server with every credential set, on the document's default
    server (so path- and operation-level servers are followed)."""
    with roundtrip.Client(
        bearer="bearer-token",
        basic=("ada", "s3cret"),
        header_key="header-key",
        query_key="query-key",
        cookie_key="cookie-key",
        client_credentials=("client-id", "client-secret"),
        max_retries=0,
    ) as c:
        yield c

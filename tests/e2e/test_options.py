"""The generated client's options, like the SDKs people know: ``with_options`` (a configured
copy on the same connection pool), per-call ``max_retries``, ``default_query``, the
User-Agent, and the timeouts and request-id header a document's settings give."""

from __future__ import annotations

import asyncio
import platform
import time
from pathlib import Path
from types import ModuleType


import httpx
import pytest
from clientgen import generate_client, import_client
from loopback import Loopback, Reply

from generator.config import Config

ROOT = Path(__file__).resolve().parents[2]
DELETED = {"id": "x", "object": "chat.completion.deleted", "deleted": True}
BUSY = Reply.json({}, status=503, headers={"retry-after-ms": "0"})


def test_with_options_shares_the_pool(chat: ModuleType, loopback: Loopback) -> None:
    loopback.always("DELETE", "/chat/completions/x", Reply.json(DELETED))
    with chat.Client(
        api_key="sk-x", base_url=loopback.url, default_query={"api-version": "1"}
    ) as client:
        team = client.with_options(
            max_retries=0, timeout=9.0, default_headers={"X-Team": "search"}
        )
        assert isinstance(team, chat.Client)
        assert team._transport._client is client._transport._client
        assert team.chat.delete_chat_completion("x").deleted is True
        sent = loopback.last
        assert sent.header("x-team") == "search" and sent.query == "api-version=1"
        assert sent.header("authorization") == "Bearer sk-x"
        assert sent.header("user-agent") == (
            f"chat_client/1.0.0 Python/{platform.python_version()}"
            f" httpx/{httpx.__version__}"
        )
        client.chat.delete_chat_completion("x")
        assert loopback.last.header("x-team") is None
        assert client._transport.max_retries == 2 and team._transport.timeout == 9.0


def test_max_retries_per_call(chat: ModuleType, loopback: Loopback) -> None:
    loopback.always("DELETE", "/chat/completions/x", BUSY)
    with chat.Client(api_key="sk-x", base_url=loopback.url) as client:
        with pytest.raises(chat.InternalServerError):
            client.chat.delete_chat_completion("x", max_retries=0)
        assert len(loopback.requests) == 1
        with pytest.raises(chat.InternalServerError):
            client.with_options(max_retries=1).chat.delete_chat_completion("x")
        assert len(loopback.requests) == 3

    async def run() -> None:
        async with chat.AsyncClient(api_key="sk-x", base_url=loopback.url) as client:
            quick = client.with_options(max_retries=0)
            assert isinstance(quick, chat.AsyncClient)
            with pytest.raises(chat.InternalServerError):
                await quick.chat.delete_chat_completion("x")
            with pytest.raises(chat.InternalServerError):
                await client.chat.delete_chat_completion("x", max_retries=1)

    asyncio.run(run())
    assert len(loopback.requests) == 6


@pytest.fixture(scope="module")
def tuned(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The Chat client generated with the client settings of a document."""
    spec = ROOT / "specs" / "chat.yaml"
    config = Config(
        spec=spec,
        client_timeout=0.5,
        client_connect_timeout=0.25,
        request_id_header="X-Trace-Id",
    )
    out = tmp_path_factory.mktemp("tuned")
    return import_client(
        generate_client(spec, out, "tuned_chat_client", config), "tuned_chat_client"
    )


def test_the_settings_give_the_timeouts_and_request_id(
    tuned: ModuleType, loopback: Loopback
) -> None:
    loopback.reply("DELETE", "/chat/completions/x", Reply.json(DELETED, delay=2.0))
    loopback.reply(
        "DELETE",
        "/chat/completions/y",
        Reply.json(DELETED, headers={"x-trace-id": "t-1", "x-request-id": "r-1"}),
    )
    with tuned.Client(api_key="sk-x", base_url=loopback.url, max_retries=0) as client:
        assert client._transport.timeout == 0.5
        assert client._transport.connect_timeout == 0.25
        started = time.monotonic()
        with pytest.raises(tuned.ApiTimeoutError):
            client.chat.delete_chat_completion("x")
        assert time.monotonic() - started < 1.8
        raw = client.chat.with_raw_response.delete_chat_completion("y")
        assert raw.request_id == "t-1"
    with tuned.Client(api_key="sk-x", timeout=30.0) as client:
        assert client._transport.timeout == 30.0

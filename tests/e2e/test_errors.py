"""Errors of the generated Chat client a person can act on: the server's message, its request
id, the body as JSON and the declared error model, on the sync and async clients."""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any

import pytest
from loopback import Loopback, Reply

NOT_FOUND = {
    "error": {
        "message": "No such file: abc",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
}


def test_a_404_reads_as_a_sentence(chat: ModuleType, loopback: Loopback) -> None:
    loopback.always(
        "GET",
        "/chat/completions/abc",
        Reply.json(NOT_FOUND, status=404, headers={"x-request-id": "req_123"}),
    )
    with chat.Client(api_key="sk-x", base_url=loopback.url, max_retries=0) as c:
        with pytest.raises(chat.NotFoundError) as raised:
            c.chat.get_chat_completion("abc")

    async def run() -> Any:
        async with chat.AsyncClient(api_key="sk-x", base_url=loopback.url) as c:
            with pytest.raises(chat.NotFoundError) as raised:
                await c.chat.get_chat_completion("abc")
            return raised.value

    for err in (raised.value, asyncio.run(run())):
        assert str(err) == "Error code: 404 - No such file: abc (request id req_123)"
        assert err.message == "No such file: abc" and err.request_id == "req_123"
        assert err.body == NOT_FOUND
        assert isinstance(err.parsed, chat.models.ErrorResponse)
        assert err.parsed.error.message == "No such file: abc"


def test_responses_carry_the_request_id(chat: ModuleType, loopback: Loopback) -> None:
    deleted = {"id": "abc", "object": "chat.completion.deleted", "deleted": True}
    loopback.always(
        "DELETE",
        "/chat/completions/abc",
        Reply.json(deleted, headers={"x-request-id": "req_9"}),
    )
    with chat.Client(api_key="sk-x", base_url=loopback.url) as c:
        raw = c.chat.with_raw_response.delete_chat_completion("abc")
        assert raw.request_id == "req_9" and raw.parse().deleted is True
        with c.chat.with_streaming_response.delete_chat_completion("abc") as streamed:
            assert streamed.request_id == "req_9"


def test_streams_carry_the_request_id(chat: ModuleType, loopback: Loopback) -> None:
    events = Reply.sse("data: [DONE]\n\n")
    events.headers = {**dict(events.header_items()), "x-request-id": "req_s"}
    loopback.always("POST", "/chat/completions", events)
    messages = [{"role": "user", "content": "hi"}]
    with chat.Client(api_key="sk-x", base_url=loopback.url) as c:
        with c.chat.create_chat_completion_stream(model="m", messages=messages) as s:
            assert s.request_id == "req_s" and list(s) == []

    async def run() -> str | None:
        async with chat.AsyncClient(api_key="sk-x", base_url=loopback.url) as c:
            stream = c.chat.create_chat_completion_stream(model="m", messages=messages)
            async with stream:
                request_id: str | None = stream.request_id
                return request_id

    assert asyncio.run(run()) == "req_s"

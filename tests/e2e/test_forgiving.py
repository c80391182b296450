"""The generated Chat client against a server drifting from its document: a missing required
field, a wrong type in one field, an unknown enum value, another media type. The caller gets
the declared model with what could be read, unless the client or the call is strict."""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any

import pytest
from loopback import Loopback, Reply

from tests.e2e.test_faults import chunk_event, completion

MESSAGES = [{"role": "user", "content": "hi"}]


def drifted() -> dict[str, Any]:
    body = completion(created="yesterday", service_tier="turbo")  # wrong type, new enum
    del body["model"]  # a required field left out
    body["choices"][0]["finish_reason"] = "paused"  # an enum value the document lacks
    body["choices"][0]["message"]["content"] = 42  # a wrong type, nested
    return body


def client(chat: ModuleType, loopback: Loopback, **options: Any) -> Any:
    return chat.Client(api_key="sk-x", base_url=loopback.url, max_retries=0, **options)


def check_drifted(chat: ModuleType, got: Any) -> None:
    assert isinstance(got, chat.models.CreateChatCompletionResponse)
    assert got.id == "chatcmpl-1" and got.model is None
    assert got.created == "yesterday" and got.service_tier == "turbo"
    [choice] = got.choices
    assert isinstance(choice, chat.models.CreateChatCompletionResponseChoicesItem)
    assert choice.finish_reason == "paused" and choice.index == 0
    assert choice.message.role == "assistant" and choice.message.content == 42


def test_a_drifting_response_reaches_the_caller(
    chat: ModuleType, loopback: Loopback
) -> None:
    loopback.always("GET", "/chat/completions/x", Reply.json(drifted()))
    with client(chat, loopback) as c:
        check_drifted(chat, c.chat.get_chat_completion("x"))
        check_drifted(chat, c.chat.with_raw_response.get_chat_completion("x").parse())
        with pytest.raises(chat.ApiResponseValidationError) as raised:
            c.chat.get_chat_completion("x", strict_response_validation=True)
        assert "model" in str(raised.value.__cause__)
    with client(chat, loopback, strict_response_validation=True) as strict:
        with pytest.raises(chat.ApiResponseValidationError):
            strict.chat.get_chat_completion("x")
        lenient = strict.chat.get_chat_completion("x", strict_response_validation=False)
        check_drifted(chat, lenient)


def test_a_good_response_is_validated_as_before(
    chat: ModuleType, loopback: Loopback
) -> None:
    loopback.reply("GET", "/chat/completions/x", Reply.json(completion()))
    with client(chat, loopback) as c:
        got = c.chat.get_chat_completion("x")
    assert got == chat.models.CreateChatCompletionResponse.model_validate(completion())
    assert got.created == 1700000000


def test_another_media_type_returns_the_body(
    chat: ModuleType, loopback: Loopback
) -> None:
    page = b"<html><body>Down for maintenance</body></html>"
    loopback.always(
        "GET", "/chat/completions/x", Reply(200, {"content-type": "text/html"}, page)
    )
    with client(chat, loopback) as c:
        assert c.chat.get_chat_completion("x") == page.decode()
    with client(chat, loopback, strict_response_validation=True) as strict:
        with pytest.raises(chat.ApiResponseValidationError) as raised:
            strict.chat.get_chat_completion("x")
        assert raised.value.body == page


def test_a_drifting_stream_and_the_async_client(
    chat: ModuleType, loopback: Loopback
) -> None:
    event = chunk_event("Hel").replace('"finish_reason": null', '"finish_reason": 7')
    loopback.always("POST", "/chat/completions", Reply.sse(event, "data: [DONE]\n\n"))
    loopback.always("GET", "/chat/completions/x", Reply.json(drifted()))
    with client(chat, loopback) as c:
        [chunk] = list(
            c.chat.create_chat_completion_stream(model="m", messages=MESSAGES)
        )
    assert chunk.choices[0].delta.content == "Hel"
    assert chunk.choices[0].finish_reason == 7

    async def run() -> Any:
        async with chat.AsyncClient(
            api_key="sk-x", base_url=loopback.url, max_retries=0
        ) as c:
            got = await c.chat.get_chat_completion("x")
            with pytest.raises(chat.ApiResponseValidationError):
                await c.chat.get_chat_completion("x", strict_response_validation=True)
            return got

    check_drifted(chat, asyncio.run(run()))

"""The checked-in Chat client against a real HTTP server on loopback: every operation, streaming,
errors, retries and timeouts, sync and async."""

from __future__ import annotations

import asyncio
import time
from types import ModuleType
from typing import Any

import pytest
from loopback import Loopback, Reply


def completion(content: str = "Hello!") -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
    }


def chunk(content: str, finish: str | None = None) -> str:
    import json

    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [
            {"index": 0, "delta": {"content": content}, "finish_reason": finish}
        ],
    }
    return f"data: {json.dumps(body)}\n\n"


ERROR_BODY = {
    "error": {
        "message": "nope",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
}


def client(chat: ModuleType, loopback: Loopback, **options: Any) -> Any:
    return chat.Client(api_key="sk-test-secret", base_url=loopback.url, **options)


def test_create_sends_flattened_arguments_and_parses_the_model(
    chat: ModuleType, loopback: Loopback
) -> None:
    loopback.reply("POST", "/chat/completions", Reply.json(completion()))
    with client(chat, loopback) as c:
        result = c.chat.create_chat_completion(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "Hi"}],
            temperature=None,
            tools=[
                {
                    "type": "function",
                    "function": {
                        "name": "get_weather",
                        "parameters": {"type": "object"},
                    },
                }
            ],
        )
    assert result.choices[0].message.content == "Hello!"
    assert result.usage is not None and result.usage.total_tokens == 7
    sent = loopback.last
    assert sent.header("authorization") == "Bearer sk-test-secret"
    assert sent.header("content-type") == "application/json"
    assert sent.json() == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Hi"}],
        "temperature": None,
        "tools": [
            {
                "type": "function",
                "function": {"name": "get_weather", "parameters": {"type": "object"}},
            }
        ],
    }


def test_create_accepts_a_whole_body_model(
    chat: ModuleType, loopback: Loopback
) -> None:
    from chat_client.models import CreateChatCompletionRequest

    loopback.reply("POST", "/chat/completions", Reply.json(completion()))
    body = CreateChatCompletionRequest.model_validate(
        {"model": "m", "messages": [{"role": "system", "content": "Be brief."}]}
    )
    with client(chat, loopback) as c:
        c.chat.create_chat_completion(body=body)
    assert loopback.last.json() == {
        "model": "m",
        "messages": [{"role": "system", "content": "Be brief."}],
    }


def test_stream_yields_chunks_split_across_writes(
    chat: ModuleType, loopback: Loopback
) -> None:
    events = chunk("Hel") + chunk("lo", "stop") + "data: [DONE]\n\n"
    pieces = [events[i : i + 7] for i in range(0, len(events), 7)]
    loopback.reply("POST", "/chat/completions", Reply.sse(*pieces))
    with client(chat, loopback) as c:
        with c.chat.create_chat_completion_stream(
            model="m", messages=[{"role": "user", "content": "Hi"}]
        ) as stream:
            deltas = [part.choices[0].delta.content for part in stream]
    assert deltas == ["Hel", "lo"]
    assert loopback.last.json()["stream"] is True


def test_list_sends_query_parameters(chat: ModuleType, loopback: Loopback) -> None:
    page = {
        "object": "list",
        "data": [completion()],
        "first_id": "a",
        "last_id": "a",
        "has_more": False,
    }
    loopback.reply("GET", "/chat/completions", Reply.json(page))
    with client(chat, loopback) as c:
        result = c.chat.list_chat_completions(limit=2, order="desc", after="chatcmpl-0")
    assert result.has_more is False and result.data[0].id == "chatcmpl-1"
    assert loopback.last.query == "after=chatcmpl-0&limit=2&order=desc"


def test_retrieve_update_delete_and_messages(
    chat: ModuleType, loopback: Loopback
) -> None:
    loopback.reply("GET", "/chat/completions/chatcmpl-1", Reply.json(completion()))
    loopback.reply("POST", "/chat/completions/chatcmpl-1", Reply.json(completion()))
    loopback.reply(
        "DELETE",
        "/chat/completions/chatcmpl-1",
        Reply.json(
            {"object": "chat.completion.deleted", "id": "chatcmpl-1", "deleted": True}
        ),
    )
    messages = {
        "object": "list",
        "data": [{"id": "m1", "role": "assistant", "content": "Hi", "refusal": None}],
        "first_id": "m1",
        "last_id": "m1",
        "has_more": False,
    }
    loopback.reply("GET", "/chat/completions/chatcmpl-1/messages", Reply.json(messages))
    with client(chat, loopback) as c:
        assert c.chat.get_chat_completion("chatcmpl-1").id == "chatcmpl-1"
        c.chat.update_chat_completion("chatcmpl-1", metadata={"k": "v"})
        assert loopback.last.json() == {"metadata": {"k": "v"}}
        assert c.chat.delete_chat_completion("chatcmpl-1").deleted is True
        assert (
            c.chat.get_chat_completion_messages("chatcmpl-1", limit=1).data[0].id
            == "m1"
        )
    assert loopback.requests[-1].query == "limit=1"


def test_path_values_cannot_change_the_path(
    chat: ModuleType, loopback: Loopback
) -> None:
    loopback.reply("GET", "*", Reply.json(completion()))
    with client(chat, loopback) as c:
        c.chat.get_chat_completion("../admin?x=1")
    assert loopback.last.path.startswith("/chat/completions/")
    assert "/admin" not in loopback.last.path and loopback.last.query == ""


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (503, "InternalServerError"),
    ],
)
def test_error_status_raises_its_class_with_the_parsed_body(
    chat: ModuleType, loopback: Loopback, status: int, error: str
) -> None:
    loopback.reply("GET", "/chat/completions/x", Reply.json(ERROR_BODY, status=status))
    with (
        client(chat, loopback, max_retries=0) as c,
        pytest.raises(getattr(chat, error)) as raised,
    ):
        c.chat.get_chat_completion("x")
    assert isinstance(raised.value, chat.ApiStatusError)
    assert raised.value.status_code == status
    assert raised.value.parsed.error.message == "nope"
    assert "sk-test-secret" not in str(raised.value) and "sk-test-secret" not in repr(
        raised.value
    )


def test_retry_after_a_429_honours_retry_after(
    chat: ModuleType, loopback: Loopback
) -> None:
    loopback.reply(
        "GET",
        "/chat/completions/x",
        Reply.json(ERROR_BODY, status=429, headers={"retry-after": "0.3"}),
        Reply.json(completion()),
    )
    started = time.monotonic()
    with client(chat, loopback) as c:
        assert c.chat.get_chat_completion("x").id == "chatcmpl-1"
    assert 0.25 <= time.monotonic() - started < 5
    assert len(loopback.requests) == 2


def test_retries_stop_after_max_retries(chat: ModuleType, loopback: Loopback) -> None:
    busy = Reply.json(ERROR_BODY, status=503, headers={"retry-after-ms": "1"})
    loopback.reply("GET", "/chat/completions/x", busy, busy, busy, busy)
    with (
        client(chat, loopback, max_retries=2) as c,
        pytest.raises(chat.InternalServerError),
    ):
        c.chat.get_chat_completion("x")
    assert len(loopback.requests) == 3


def test_timeout_raises_api_timeout_error(chat: ModuleType, loopback: Loopback) -> None:
    loopback.reply("GET", "/chat/completions/x", Reply.json(completion(), delay=2.0))
    with (
        client(chat, loopback, max_retries=0, timeout=0.2) as c,
        pytest.raises(chat.ApiTimeoutError),
    ):
        c.chat.get_chat_completion("x")


def test_raw_response(chat: ModuleType, loopback: Loopback) -> None:
    loopback.reply(
        "GET",
        "/chat/completions/x",
        Reply.json(completion(), headers={"x-request-id": "r1"}),
    )
    with client(chat, loopback) as c:
        raw = c.chat.with_raw_response.get_chat_completion("x")
    assert raw.status_code == 200 and raw.headers["x-request-id"] == "r1"
    assert raw.parse().id == "chatcmpl-1"


def test_credentials_never_show(chat: ModuleType, loopback: Loopback) -> None:
    c = client(chat, loopback)
    assert "sk-test-secret" not in repr(c) and "sk-test-secret" not in repr(
        c._transport
    )
    c.close()


def test_async_client_does_the_same(chat: ModuleType, loopback: Loopback) -> None:
    events = chunk("Hel") + chunk("lo", "stop") + "data: [DONE]\n\n"
    loopback.reply("POST", "/chat/completions", Reply.json(completion()))
    loopback.reply(
        "POST",
        "/chat/completions",
        Reply.sse(*[events[i : i + 5] for i in range(0, len(events), 5)]),
    )
    loopback.reply(
        "GET", "/chat/completions/missing", Reply.json(ERROR_BODY, status=404)
    )
    loopback.reply(
        "GET",
        "/chat/completions/x",
        Reply.json(ERROR_BODY, status=429, headers={"retry-after-ms": "10"}),
        Reply.json(completion()),
    )
    loopback.reply("GET", "/chat/completions/slow", Reply.json(completion(), delay=2.0))

    async def run() -> None:
        async with chat.AsyncClient(
            api_key="sk-test-secret", base_url=loopback.url, timeout=0.5
        ) as c:
            result = await c.chat.create_chat_completion(
                model="m", messages=[{"role": "user", "content": "Hi"}]
            )
            assert result.choices[0].message.content == "Hello!"
            deltas = [
                part.choices[0].delta.content
                async for part in c.chat.create_chat_completion_stream(
                    model="m", messages=[{"role": "user", "content": "Hi"}]
                )
            ]
            assert deltas == ["Hel", "lo"]
            with pytest.raises(chat.NotFoundError) as raised:
                await c.chat.get_chat_completion("missing")
            assert raised.value.parsed.error.message == "nope"
            assert (await c.chat.get_chat_completion("x")).id == "chatcmpl-1"
        async with chat.AsyncClient(
            api_key="k", base_url=loopback.url, timeout=0.2, max_retries=0
        ) as c:
            with pytest.raises(chat.ApiTimeoutError):
                await c.chat.get_chat_completion("slow")

    asyncio.run(run())

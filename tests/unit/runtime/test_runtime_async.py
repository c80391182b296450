"""AsyncTransport and AsyncStream: the async twins of the main cases, under asyncio.run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from loopback import Loopback, Reply, free_port
from oapigen_runtime import auth, errors
from oapigen_runtime._types import NOT_GIVEN
from oapigen_runtime.models import ApiModel
from oapigen_runtime.response import AsyncStreamedResponse, RawResponse
from oapigen_runtime.transport import AsyncTransport, Call, Param, ResponseType


class Chunk(ApiModel):
    id: str
    text: str


def sse_chunk(text: str) -> str:
    return f'data: {{"id": "c1", "text": "{text}"}}\n\n'


EVENTS = sse_chunk("Hel") + sse_chunk("lo") + "data: [DONE]\n\n"
STREAM_CALL = Call("POST", "/chat/completions", body={"stream": True})


def run(
    test: Callable[[AsyncTransport], Awaitable[None]],
    loopback: Loopback,
    **options: Any,
) -> None:
    """Run ``test`` with a fresh AsyncTransport inside its own event loop."""

    async def main() -> None:
        options.setdefault("base_url", loopback.url)
        options.setdefault("credentials", {})
        options.setdefault("credential_hints", {})
        options.setdefault("max_retries", 0)
        transport = AsyncTransport(**options)
        try:
            await test(transport)
        finally:
            await transport.close()

    asyncio.run(main())


def test_json_request_and_parsed_response(loopback: Loopback) -> None:
    loopback.reply("POST", "/chat/completions", Reply.json({"id": "c1", "text": "hi"}))

    async def test(transport: AsyncTransport) -> None:
        call = Call(
            "POST",
            "/chat/completions",
            params=(Param("query", "b", 1), Param("query", "a", NOT_GIVEN)),
            body={"model": "m", "user": NOT_GIVEN, "n": None},
            extra_body={"foo": "bar"},
            extra_headers={"X-Custom": "1"},
            extra_query={"q": "v"},
            security=(("Bearer",),),
            responses=(ResponseType("200", "json", Chunk),),
        )
        result = await transport.request(call)
        assert isinstance(result, Chunk) and result.text == "hi"

    run(test, loopback, credentials={"Bearer": auth.bearer("sk-1", env="UNSET_X")})
    got = loopback.last
    assert got.json() == {"model": "m", "n": None, "foo": "bar"}
    assert got.query == "b=1&q=v"
    assert got.header("authorization") == "Bearer sk-1"
    assert got.header("x-custom") == "1"


def test_status_error(loopback: Loopback) -> None:
    loopback.reply(
        "GET", "/x", Reply.json({"error": {"message": "missing"}}, status=404)
    )

    async def test(transport: AsyncTransport) -> None:
        with pytest.raises(errors.NotFoundError) as info:
            await transport.request(Call("GET", "/x"))
        assert info.value.parsed == {"error": {"message": "missing"}}

    run(test, loopback)


def test_retry_after_429(loopback: Loopback) -> None:
    loopback.reply(
        "GET",
        "/x",
        Reply.json({}, status=429, headers={"retry-after-ms": "10"}),
        Reply.json({}, status=500, headers={"retry-after": "0"}),
        Reply.json({"ok": True}),
    )

    async def test(transport: AsyncTransport) -> None:
        assert await transport.request(Call("GET", "/x")) == {"ok": True}

    run(test, loopback, max_retries=2)
    assert len(loopback.requests) == 3


def test_retry_exhaustion(loopback: Loopback) -> None:
    limited = Reply.json({}, status=429, headers={"retry-after-ms": "0"})
    loopback.reply("GET", "/x", limited, limited)

    async def test(transport: AsyncTransport) -> None:
        with pytest.raises(errors.RateLimitError):
            await transport.request(Call("GET", "/x"))

    run(test, loopback, max_retries=1)
    assert len(loopback.requests) == 2


def test_timeout(loopback: Loopback) -> None:
    loopback.reply("GET", "/slow", Reply.json({}, delay=3))

    async def test(transport: AsyncTransport) -> None:
        started = time.monotonic()
        with pytest.raises(errors.ApiTimeoutError):
            await transport.request(Call("GET", "/slow", timeout=httpx.Timeout(0.2)))
        assert time.monotonic() - started < 2

    run(test, loopback)


def test_connection_refused(loopback: Loopback) -> None:
    async def test(transport: AsyncTransport) -> None:
        with pytest.raises(errors.ApiConnectionError) as info:
            await transport.request(Call("GET", "/x"))
        assert not isinstance(info.value, errors.ApiTimeoutError)

    run(test, loopback, base_url=f"http://127.0.0.1:{free_port()}")


def test_bad_json(loopback: Loopback) -> None:
    loopback.reply(
        "GET", "/x", Reply(200, {"content-type": "application/json"}, b"nope")
    )

    async def test(transport: AsyncTransport) -> None:
        with pytest.raises(errors.ApiResponseValidationError):
            await transport.request(
                Call("GET", "/x", responses=(ResponseType("200", "json", Chunk),))
            )

    run(test, loopback)


def test_missing_credential(loopback: Loopback) -> None:
    async def test(transport: AsyncTransport) -> None:
        with pytest.raises(
            errors.MissingCredentialError, match="pass api_key= or set PKG_API_KEY"
        ):
            await transport.request(Call("GET", "/x", security=(("ApiKeyAuth",),)))
        assert "sk" not in repr(transport)

    run(
        test,
        loopback,
        credential_hints={"ApiKeyAuth": "pass api_key= or set PKG_API_KEY"},
    )
    assert loopback.requests == []


def test_raw_and_streamed_responses(loopback: Loopback) -> None:
    loopback.reply("GET", "/x", Reply.json({"id": "c1", "text": "t"}))
    loopback.reply(
        "GET", "/dl", Reply(200, {"content-type": "text/plain"}, chunks=[b"ab", b"cd"])
    )
    loopback.reply(
        "GET", "/dl", Reply(200, {"content-type": "text/plain"}, chunks=[b"ef"])
    )
    typed = (ResponseType("200", "json", Chunk),)

    async def test(transport: AsyncTransport) -> None:
        raw = await transport.request(Call("GET", "/x", responses=typed), mode="raw")
        assert isinstance(raw, RawResponse)
        assert raw.status_code == 200 and isinstance(raw.parse(), Chunk)
        streamed = await transport.request(Call("GET", "/dl"), mode="streaming")
        assert isinstance(streamed, AsyncStreamedResponse)
        async with streamed:
            assert [c async for c in streamed.aiter_bytes()] == [b"ab", b"cd"]
        assert streamed.http_response.is_closed
        lazy = transport.streamed_response(
            Call("GET", "/dl", responses=(ResponseType("200", "text"),))
        )
        assert len(loopback.requests) == 2  # not sent before entry
        async with lazy as entered:
            assert await entered.parse() == "ef"
        assert lazy.http_response.is_closed

    run(test, loopback)


def test_stream_is_lazy_and_yields_items(loopback: Loopback) -> None:
    loopback.reply(
        "POST", "/chat/completions", Reply.sse(*EVENTS)
    )  # one character per chunk

    async def test(transport: AsyncTransport) -> None:
        stream = transport.stream(STREAM_CALL, Chunk)
        assert loopback.requests == []
        texts = [item.text async for item in stream]
        assert texts == ["Hel", "lo"]
        assert stream.response.is_closed

    run(test, loopback)


def test_stream_status_error_on_first_iteration(loopback: Loopback) -> None:
    loopback.reply(
        "POST", "/chat/completions", Reply.json({"error": "denied"}, status=403)
    )

    async def test(transport: AsyncTransport) -> None:
        stream = transport.stream(STREAM_CALL, Chunk)
        with pytest.raises(errors.PermissionDeniedError):
            async for _ in stream:
                pass

    run(test, loopback)


def test_stream_error_event_and_truncation(loopback: Loopback) -> None:
    loopback.reply(
        "POST",
        "/chat/completions",
        Reply.sse(sse_chunk("a"), 'event: error\ndata: {"message": "boom"}\n\n'),
    )
    loopback.reply(
        "POST",
        "/chat/completions",
        Reply.sse(sse_chunk("a"), 'data: {"id"', truncate=True),
    )

    async def test(transport: AsyncTransport) -> None:
        with pytest.raises(errors.StreamError, match="boom"):
            async for _ in transport.stream(STREAM_CALL, Chunk):
                pass
        with pytest.raises(errors.ApiConnectionError):
            async for _ in transport.stream(STREAM_CALL, Chunk):
                pass

    run(test, loopback)


def test_stream_closes_on_break_and_exit(loopback: Loopback) -> None:
    many = [sse_chunk("x")] * 20 + ["data: [DONE]\n\n"]
    loopback.reply("POST", "/chat/completions", Reply.sse(*many, chunk_delay=0.01))
    loopback.reply("POST", "/chat/completions", Reply.sse(*many, chunk_delay=0.01))

    async def test(transport: AsyncTransport) -> None:
        stream = transport.stream(STREAM_CALL, Chunk)
        async for _ in stream:
            break
        for _ in range(
            10
        ):  # the loop's generator is closed by a task asyncio schedules
            if stream.response.is_closed:
                break
            await asyncio.sleep(0.01)
        assert stream.response.is_closed
        async with transport.stream(STREAM_CALL, Chunk) as entered:
            assert (await entered.__anext__()).text == "x"
        assert entered.response.is_closed
        with pytest.raises(StopAsyncIteration):
            await entered.__anext__()

    run(test, loopback)

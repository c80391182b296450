"""The client's bounds against servers that misbehave, sync and async: a deadline per attempt,
bodies bounded before and after decompression, stream events bounded, deeply nested JSON
reported as the client's errors. Every server here stops by itself within seconds; the limits
are small (a 1 s deadline, 1 MiB bodies) so that each case ends fast."""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from loopback import Loopback, Reply, gzip_of_zeros
import oapigen_runtime
from oapigen_runtime import errors
from oapigen_runtime.limits import (
    CONNECT_TIMEOUT,
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    plan_timeout,
)
from oapigen_runtime.models import ApiModel, json_value
from oapigen_runtime.sse import SSEDecoder
from oapigen_runtime.transport import AsyncTransport, Call, ResponseType, SyncTransport

Side = Literal["sync", "async"]
SIDES = ["sync", "async"]
MiB = 1024 * 1024
DEEP = "[" * 10_000 + "]" * 10_000
JSON = {"content-type": "application/json"}
SSE_CALL = Call("POST", "/events", body={"stream": True})


class Item(ApiModel):
    n: int


def transport_options(loopback: Loopback, options: dict[str, Any]) -> dict[str, Any]:
    return {
        "base_url": loopback.url,
        "credentials": {},
        "credential_hints": {},
        "max_retries": 0,
        **options,
    }


def answer(
    side: Side, loopback: Loopback, call: Call, mode: str = "parsed", **options: Any
) -> Any:
    """The transport's answer to one call (``request(call, mode)``), sync or async."""
    options = transport_options(loopback, options)
    if side == "sync":
        transport = SyncTransport(**options)
        try:
            return transport.request(call, mode)  # type: ignore[arg-type]
        finally:
            transport.close()

    async def main() -> Any:
        async_transport = AsyncTransport(**options)
        try:
            return await async_transport.request(call, mode)  # type: ignore[arg-type]
        finally:
            await async_transport.close()

    return asyncio.run(main())


def items(side: Side, loopback: Loopback, call: Call, **options: Any) -> list[Any]:
    """Every item of a stream, untyped."""
    options = transport_options(loopback, options)
    if side == "sync":
        transport = SyncTransport(**options)
        try:
            with transport.stream(call, None) as stream:
                return list(stream)
        finally:
            transport.close()

    async def main() -> list[Any]:
        async_transport = AsyncTransport(**options)
        try:
            async with async_transport.stream(call, None) as stream:
                return [item async for item in stream]
        finally:
            await async_transport.close()

    return asyncio.run(main())


def drip(body: bytes, every: float) -> Reply:
    """A JSON body sent one byte at a time."""
    return Reply(
        200, JSON, chunks=[body[i : i + 1] for i in range(len(body))], chunk_delay=every
    )


# -- the deadline ---------------------------------------------------------------------------


def test_timeout_plans() -> None:
    """A number bounds the attempt and each read, connecting at most 5 s of it; an
    httpx.Timeout or None keeps httpx's meaning and sets no deadline."""
    assert (DEFAULT_TIMEOUT, CONNECT_TIMEOUT) == (600.0, 5.0)
    assert plan_timeout(DEFAULT_TIMEOUT) == (httpx.Timeout(600.0, connect=5.0), 600.0)
    assert plan_timeout(2) == (httpx.Timeout(2.0), 2)
    assert plan_timeout(httpx.Timeout(3.0)) == (httpx.Timeout(3.0), None)
    assert plan_timeout(None) == (httpx.Timeout(None), None)


@pytest.mark.parametrize("side", SIDES)
def test_a_dripping_body_ends_at_the_deadline(side: Side, loopback: Loopback) -> None:
    """A byte every 0.05 s never trips a 0.5 s read timeout; the deadline ends the call
    (before, it lasted as long as the server dripped)."""
    loopback.reply("GET", "/x", drip(json.dumps({"text": "x" * 80}).encode(), 0.05))
    started = time.monotonic()
    with pytest.raises(errors.ApiTimeoutError) as raised:
        answer(side, loopback, Call("GET", "/x", timeout=0.5))
    assert time.monotonic() - started < 2  # the server would drip for 4.5 s
    assert "timeout of 0.5 s" in str(raised.value)


@pytest.mark.parametrize("side", SIDES)
def test_an_endless_body_ends_at_the_deadline(side: Side, loopback: Loopback) -> None:
    endless = Reply(200, JSON, chunks=[b"["] + [b"0," * 512] * 2000, chunk_delay=0.003)
    loopback.reply("GET", "/x", endless)
    started = time.monotonic()
    with pytest.raises(errors.ApiTimeoutError):
        answer(side, loopback, Call("GET", "/x", timeout=0.5))
    assert time.monotonic() - started < 2  # the server would send for 6 s


@pytest.mark.parametrize("side", SIDES)
def test_silence_late_in_the_body_ends_near_the_deadline(
    side: Side, loopback: Loopback
) -> None:
    """A byte every 0.45 s: each read waits at most what was left of the attempt when the
    body began (sync: at most twice the timeout in all) or up to the deadline (async).
    """
    body = [bytes([c]) for c in b"[1,2,3]"]
    loopback.reply("GET", "/x", Reply(200, JSON, chunks=body, chunk_delay=0.45))
    started = time.monotonic()
    with pytest.raises(errors.ApiTimeoutError):
        answer(side, loopback, Call("GET", "/x", timeout=0.5))
    assert time.monotonic() - started < 2  # the body would take 2.7 s


@pytest.mark.parametrize("side", SIDES)
def test_a_server_that_never_answers_ends_at_the_deadline(
    side: Side, loopback: Loopback
) -> None:
    loopback.reply("GET", "/x", Reply.json({}, delay=5))
    started = time.monotonic()
    with pytest.raises(errors.ApiTimeoutError):
        answer(side, loopback, Call("GET", "/x", timeout=0.5))
    assert time.monotonic() - started < 2


def test_dripped_headers_end_at_the_deadline_async(loopback: Loopback) -> None:
    """asyncio can stop httpx inside its header loop; the sync client bounds each read there
    (docs/runtime.md says so)."""
    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" + b"x-a: b\r\n" * 20
    pieces = [head[i : i + 4] for i in range(0, len(head), 4)]
    loopback.reply("GET", "/x", Reply(raw=pieces, chunk_delay=0.03))
    started = time.monotonic()
    with pytest.raises(errors.ApiTimeoutError):
        answer("async", loopback, Call("GET", "/x", timeout=0.5))
    assert time.monotonic() - started < 2  # the head would take 1.6 s


@pytest.mark.parametrize("side", SIDES)
def test_each_retry_gets_a_deadline_of_its_own(side: Side, loopback: Loopback) -> None:
    """The first attempt spends its whole 0.5 s; the second needs 0.3 s of its own."""
    loopback.reply(
        "GET",
        "/x",
        drip(json.dumps({"n": 1, "pad": "x" * 40}).encode(), 0.05),
        Reply.json({"n": 2}, delay=0.3),
    )
    got = answer(side, loopback, Call("GET", "/x", timeout=0.5), max_retries=1)
    assert got == {"n": 2}
    assert len(loopback.requests) == 2


@pytest.mark.parametrize("side", SIDES)
def test_a_stream_may_outlast_its_timeout(side: Side, loopback: Loopback) -> None:
    """Streams bound each read, not the whole: 6 events 0.15 s apart, a 0.4 s timeout."""
    events = [f'data: {{"n": {n}}}\n\n' for n in range(6)] + ["data: [DONE]\n\n"]
    loopback.reply("POST", "/events", Reply.sse(*events, chunk_delay=0.15))
    call = Call("POST", "/events", body={"stream": True}, timeout=0.4)
    assert [item["n"] for item in items(side, loopback, call)] == list(range(6))


@pytest.mark.parametrize("side", SIDES)
def test_a_silent_stream_times_out_per_read(side: Side, loopback: Loopback) -> None:
    silent = Reply.sse('data: {"n": 0}\n\n', "data: [DONE]\n\n", chunk_delay=5)
    loopback.reply("POST", "/events", silent)
    started = time.monotonic()
    with pytest.raises(errors.ApiTimeoutError):
        items(side, loopback, Call("POST", "/events", timeout=0.5))
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("side", SIDES)
def test_an_httpx_timeout_keeps_its_per_phase_meaning(
    side: Side, loopback: Loopback
) -> None:
    """httpx.Timeout(0.3) bounds each read only: a body dripped over 0.7 s arrives."""
    loopback.reply("GET", "/x", drip(b'{"n": 7}', 0.1))
    got = answer(side, loopback, Call("GET", "/x", timeout=httpx.Timeout(0.3)))
    assert got == {"n": 7}


def test_defaults() -> None:
    transport = SyncTransport(
        base_url="http://127.0.0.1:9", credentials={}, credential_hints={}
    )
    try:
        assert transport.timeout == 600.0
        assert transport.max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES == 256 * MiB
        assert transport.max_event_bytes == DEFAULT_MAX_EVENT_BYTES == 32 * MiB
    finally:
        transport.close()


# -- bodies ---------------------------------------------------------------------------------


@pytest.mark.parametrize("side", SIDES)
def test_a_body_past_the_limit(side: Side, loopback: Loopback) -> None:
    at_limit = b'"' + b"x" * (MiB - 2) + b'"'
    loopback.reply(
        "GET", "/x", Reply(200, JSON, at_limit), Reply(200, JSON, at_limit + b" ")
    )
    assert (
        len(answer(side, loopback, Call("GET", "/x"), max_response_bytes=MiB))
        == MiB - 2
    )
    with pytest.raises(errors.ResponseTooLargeError) as raised:
        answer(side, loopback, Call("GET", "/x"), max_response_bytes=MiB)
    assert raised.value.limit == MiB
    assert raised.value.option == "max_response_bytes"
    assert (
        raised.value.response is not None and raised.value.response.status_code == 200
    )
    assert "max_response_bytes" in str(raised.value)


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("path", ["/x", "/events"])
def test_an_error_body_past_the_limit(
    side: Side, loopback: Loopback, path: str
) -> None:
    """Plain calls and streams alike: the body of a 500 is bounded too."""
    loopback.always("*", "*", Reply(500, JSON, b"[" + b"0," * MiB + b"0]"))
    with pytest.raises(errors.ResponseTooLargeError) as raised:
        if path == "/events":
            items(side, loopback, SSE_CALL, max_response_bytes=MiB)
        else:
            answer(side, loopback, Call("GET", path), max_response_bytes=MiB)
    assert raised.value.response is not None
    assert raised.value.response.status_code == 500


@pytest.mark.parametrize("side", SIDES)
def test_a_gzip_bomb_stops_at_the_limit(side: Side, loopback: Loopback) -> None:
    gzipped = {"content-type": "application/octet-stream", "content-encoding": "gzip"}
    bomb = gzip_of_zeros(64)
    small = zlib.compress(b'{"n": 5}', wbits=31)
    loopback.reply(
        "GET",
        "/x",
        Reply(200, gzipped, bomb),
        Reply(200, {**JSON, "content-encoding": "gzip"}, small),
    )
    binary = Call("GET", "/x", responses=(ResponseType("200", "binary"),))
    with pytest.raises(errors.ResponseTooLargeError):
        answer(side, loopback, binary, max_response_bytes=MiB)
    assert answer(side, loopback, Call("GET", "/x"), max_response_bytes=MiB) == {"n": 5}


@pytest.mark.parametrize("side", SIDES)
def test_a_compressed_stream_is_decoded(side: Side, loopback: Loopback) -> None:
    body = "".join(f'data: {{"n": {n}}}\n\n' for n in range(300)) + "data: [DONE]\n\n"
    packed = zlib.compress(body.encode(), wbits=31)
    headers = {"content-type": "text/event-stream", "content-encoding": "gzip"}
    loopback.reply(
        "POST", "/events", Reply(200, headers, chunks=[packed[:700], packed[700:]])
    )
    assert [item["n"] for item in items(side, loopback, SSE_CALL)] == list(range(300))


def test_streaming_response_reads_in_chunks_without_a_limit(
    loopback: Loopback, make_transport: Any
) -> None:
    """``iter_bytes`` is for downloads of any size; ``read`` holds the body, so it is bounded."""
    download = Reply(
        200, {"content-type": "application/octet-stream"}, b"z" * (3 * MiB)
    )
    loopback.reply("GET", "/file", download, download)
    call = Call("GET", "/file", responses=(ResponseType("200", "binary"),))
    transport = make_transport(max_response_bytes=MiB)
    with transport.request(call, "streaming") as streamed:
        assert sum(len(chunk) for chunk in streamed.iter_bytes()) == 3 * MiB
    with transport.request(call, "streaming") as streamed:
        with pytest.raises(errors.ResponseTooLargeError):
            streamed.read()


MEMORY_CHILD = textwrap.dedent("""
    import asyncio, importlib.util, json, resource, sys
    sys.path[:0] = [sys.argv[1]]
    spec = importlib.util.spec_from_file_location(
        "rt", sys.argv[2] + "/__init__.py", submodule_search_locations=[sys.argv[2]]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["rt"] = module
    spec.loader.exec_module(module)
    from loopback import Loopback, Reply, gzip_of_zeros
    from rt.errors import ResponseTooLargeError
    from rt.transport import AsyncTransport, Call, ResponseType, SyncTransport

    bomb = gzip_of_zeros(256)
    server = Loopback().start()
    headers = {"content-type": "application/octet-stream", "content-encoding": "gzip"}
    server.always("GET", "/bomb", Reply(200, headers, bomb))
    call = Call("GET", "/bomb", responses=(ResponseType("200", "binary"),))
    options = dict(
        base_url=server.url, credentials={}, credential_hints={}, max_retries=0,
        max_response_bytes=1 << 20,
    )

    def peak():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    async def async_call():
        transport = AsyncTransport(**options)
        try:
            await transport.request(call)
        finally:
            await transport.close()

    before = peak()
    raised = []
    for run in (lambda: SyncTransport(**options).request(call), lambda: asyncio.run(async_call())):
        try:
            run()
        except ResponseTooLargeError as exc:
            raised.append(type(exc).__name__)
    server.stop()
    print(json.dumps({"bomb": len(bomb), "growth": peak() - before, "raised": raised}))
    """)


def test_a_gzip_bomb_costs_little_memory() -> None:
    """A 256 KiB gzip of 256 MiB against a 1 MiB limit, sync then async, in a process of
    its own: its peak memory grows by a few MiB (today: more than twice the 256 MiB)."""
    tests_dir = Path(__file__).resolve().parents[2]
    runtime_dir = Path(oapigen_runtime.__file__).parent
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(tests_dir), str(runtime_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(done.stdout)
    assert measured["bomb"] < MiB
    assert measured["raised"] == ["ResponseTooLargeError"] * 2
    assert measured["growth"] < 40 * MiB, measured


# -- streams --------------------------------------------------------------------------------


def test_a_long_line_in_small_chunks_parses_in_linear_time() -> None:
    """10 MiB in one SSE line, fed 1 KiB at a time (the old decoder copied its buffer on
    every chunk: more than 50 s here; the official SDK needs 0.3 s). The bound is loose on
    purpose: it fails on quadratic time, not on a slow machine."""
    line = b"data: " + b"x" * (10 * MiB) + b"\n\n"
    decoder = SSEDecoder()
    started = time.process_time()
    events = [
        event
        for i in range(0, len(line), 1024)
        for event in decoder.feed(line[i : i + 1024])
    ]
    assert time.process_time() - started < 5
    assert len(events) == 1 and len(events[0].data) == 10 * MiB


@pytest.mark.parametrize("side", SIDES)
def test_an_endless_line_hits_the_event_limit(side: Side, loopback: Loopback) -> None:
    endless = Reply.sse("data: ", *[b"x" * 1024] * 4096)  # 4 MiB, no line end
    loopback.reply("POST", "/events", endless)
    with pytest.raises(errors.ResponseTooLargeError) as raised:
        items(side, loopback, SSE_CALL, max_event_bytes=64 * 1024)
    assert raised.value.limit == 64 * 1024
    assert raised.value.option == "max_event_bytes"


def test_an_endless_event_hits_the_event_limit() -> None:
    """Short data lines without the blank line that ends an event add up to the limit."""
    decoder = SSEDecoder(max_event_bytes=10_000)
    decoder.feed(b"data: " + b"y" * 90 + b"\n" * 1)  # one line of 96 bytes
    with pytest.raises(errors.ResponseTooLargeError):
        for _ in range(200):
            decoder.feed(b"data: " + b"y" * 90 + b"\n")
    ok = SSEDecoder(max_event_bytes=10_000)
    for _ in range(200):
        assert ok.feed(b"data: " + b"y" * 90 + b"\n\n")  # each event ends: no limit hit


@pytest.mark.parametrize("side", SIDES)
def test_an_error_event_of_deep_json_is_a_stream_error(
    side: Side, loopback: Loopback
) -> None:
    loopback.reply(
        "POST",
        "/events",
        Reply.sse('data: {"n": 1}\n\n', f"event: error\ndata: {DEEP}\n\n"),
    )
    with pytest.raises(errors.StreamError) as raised:
        items(side, loopback, SSE_CALL)
    assert raised.value.data == DEEP  # kept as the text it came as


@pytest.mark.parametrize("side", SIDES)
def test_a_500_of_deep_json_is_an_internal_server_error(
    side: Side, loopback: Loopback
) -> None:
    class Problem(ApiModel):
        message: str

    loopback.always("GET", "/x", Reply(500, JSON, DEEP.encode()))
    for responses in [(), (ResponseType("default", "json", Problem),)]:
        with pytest.raises(errors.InternalServerError) as raised:
            answer(side, loopback, Call("GET", "/x", responses=responses))
        assert raised.value.content == DEEP.encode()
        assert raised.value.body == DEEP and raised.value.parsed is None


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("item_type", [None, Item, list[Any]])
def test_a_success_of_deep_json_does_not_fit(
    side: Side, loopback: Loopback, item_type: object
) -> None:
    loopback.reply("GET", "/x", Reply(200, JSON, DEEP.encode()))
    call = Call("GET", "/x", responses=(ResponseType("200", "json", item_type),))
    with pytest.raises(errors.ApiResponseValidationError):
        answer(side, loopback, call)


@pytest.mark.parametrize("side", SIDES)
def test_stream_items_of_deep_json_do_not_fit(side: Side, loopback: Loopback) -> None:
    loopback.reply("POST", "/events", Reply.sse(f'data: {{"error": {DEEP}}}\n\n'))
    with pytest.raises(errors.ApiResponseValidationError):
        items(side, loopback, SSE_CALL)


def test_json_value() -> None:
    assert json_value(b'{"a": [1]}') == {"a": [1]}
    for bad in (DEEP, "{", ""):
        with pytest.raises(ValueError):
            json_value(bad)
    deep_enough = (
        "[" * 900 + "]" * 900
    )  # within Python's stack: a StreamError describes it
    error = errors.StreamError(data=json_value(deep_enough), event="error")
    assert error.message.startswith("Error event in stream: [[")

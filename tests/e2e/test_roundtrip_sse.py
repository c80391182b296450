"""Server-sent events for every stream form of tests/e2e/roundtrip.yaml (a boolean ``stream``
in a JSON body, ``stream_format: sse``, ``stream`` as a multipart field), sync and async:
multi-line data, event and id fields, comments and keep-alives, events split at any byte,
an error event mid-stream, and [DONE]."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from loopback import Loopback, Reply

STREAM = (
    ": keep-alive\n\n"
    "retry: 1000\n"
    "id: 1\n"
    'data: {"type": "delta", "text": "Hel"}\n\n'
    ":another comment\r\n"
    "event: delta\r\n"
    "id: 2\r\n"
    'data: {"type": "delta",\r\n'
    'data:  "text": "lo ü"}\r\n\r\n'
    "event: ping\n"
    "data:\n\n"
    'data: {"type": "done"}\n\n'
    "data: [DONE]\n\n"
    'data: {"type": "after done is never read"}\n\n'
)
WANT = [("delta", "Hel"), ("delta", "lo ü"), ("done", None)]


def pieces(stream: bytes, size: int) -> list[bytes]:
    return [stream[i : i + size] for i in range(0, len(stream), size)]


def items(events: Any) -> list[tuple[str, str | None]]:
    return [(e.type, e.text) for e in events]


# (name, how to open the stream, the path, what the request must carry)
STREAMS: list[tuple[str, Callable[[Any], Any], str, Callable[[Any], bool]]] = [
    (
        "boolean stream in a JSON body",
        lambda c: c.streams.create_events_stream(prompt="hi"),
        "/events",
        lambda r: r.json() == {"prompt": "hi", "stream": True},
    ),
    (
        "stream_format sse",
        lambda c: c.streams.create_speech_stream(input="hi"),
        "/speech",
        lambda r: r.json() == {"input": "hi", "stream_format": "sse"},
    ),
    (
        "stream as a multipart field",
        lambda c: c.streams.transcribe_stream(file=("a.mp3", b"ID3", "audio/mpeg")),
        "/transcribe",
        lambda r: [(p["name"], p["data"]) for p in r.multipart()]
        == [("stream", b"true"), ("file", b"ID3")],
    ),
]


@pytest.mark.parametrize(
    ("name", "open_stream", "path", "carries"), STREAMS, ids=[s[0] for s in STREAMS]
)
@pytest.mark.parametrize("size", [1, 7, 4096], ids=["bytewise", "7-byte", "whole"])
def test_stream_forms(
    roundtrip: Any,
    loopback: Loopback,
    name: str,
    open_stream: Callable[[Any], Any],
    path: str,
    carries: Callable[[Any], bool],
    size: int,
) -> None:
    loopback.reply("POST", path, Reply.sse(*pieces(STREAM.encode(), size)))
    with roundtrip.Client(bearer="t", base_url=loopback.url) as c:
        with open_stream(c) as events:
            assert items(events) == WANT, name
    assert carries(loopback.last), name


def test_async_stream_forms(roundtrip: Any, loopback: Loopback) -> None:
    for _, _, path, _ in STREAMS:
        loopback.reply("POST", path, Reply.sse(*pieces(STREAM.encode(), 3)))

    async def main() -> list[list[tuple[str, str | None]]]:
        async with roundtrip.AsyncClient(bearer="t", base_url=loopback.url) as c:
            return [
                items([event async for event in open_stream(c)])
                for _, open_stream, _, _ in STREAMS
            ]

    assert asyncio.run(main()) == [WANT, WANT, WANT]


def test_error_event_mid_stream_raises_stream_error(
    roundtrip: Any, loopback: Loopback
) -> None:
    error = {"error": {"message": "overloaded", "type": "server_error"}}
    loopback.reply(
        "POST",
        "/events",
        Reply.sse(
            'data: {"type": "delta", "text": "a"}\n\n',
            f"event: error\ndata: {json.dumps(error)}\n\n",
            'data: {"type": "delta", "text": "never"}\n\n',
        ),
    )
    seen = []
    with roundtrip.Client(bearer="t", base_url=loopback.url) as c:
        with pytest.raises(roundtrip.StreamError) as raised:
            for event in c.streams.create_events_stream(prompt="hi"):
                seen.append(event.text)
    assert seen == ["a"]
    assert raised.value.data == error and "overloaded" in str(raised.value)


def test_breaking_out_closes_the_stream(roundtrip: Any, loopback: Loopback) -> None:
    loopback.reply(
        "POST",
        "/events",
        Reply.sse(*['data: {"type": "delta", "text": "x"}\n\n'] * 50, chunk_delay=0.01),
    )
    with roundtrip.Client(bearer="t", base_url=loopback.url) as c:
        stream = c.streams.create_events_stream(prompt="hi")
        for _ in stream:
            break
        assert stream.response.is_closed


def test_the_plain_method_does_not_stream(roundtrip: Any, loopback: Loopback) -> None:
    loopback.reply("POST", "/events", Reply.json({"type": "done", "text": "all"}))
    loopback.reply(
        "POST", "/speech", Reply(200, {"content-type": "audio/mpeg"}, b"ID3audio")
    )
    with roundtrip.Client(bearer="t", base_url=loopback.url) as c:
        assert c.streams.create_events(prompt="hi").text == "all"
        assert loopback.last.json() == {"prompt": "hi"}
        assert c.streams.create_speech(input="hi") == b"ID3audio"
        assert loopback.last.json() == {"input": "hi"}
        assert loopback.last.header("accept") == "audio/mpeg"


def test_an_event_stream_alone_is_read_whole_by_the_plain_method(
    roundtrip: Any, loopback: Loopback
) -> None:
    """An operation whose only success is an event stream: the plain method asks for the
    stream and returns its text (annotated ``str``), ``_stream`` iterates it."""
    loopback.reply("GET", "/feed", Reply.sse(STREAM), Reply.sse(STREAM))
    with roundtrip.Client(bearer="t", base_url=loopback.url) as c:
        assert c.streams.follow_feed() == STREAM
        assert loopback.last.header("accept") == "text/event-stream"
        with c.streams.follow_feed_stream() as events:
            assert items(events) == WANT

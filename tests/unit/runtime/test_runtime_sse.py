"""The Server-Sent Events decoder, fed in every possible split."""

from __future__ import annotations

import pytest
from oapigen_runtime.sse import ServerSentEvent, SSEDecoder


def decode(*chunks: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    return [event for chunk in chunks for event in decoder.feed(chunk)]


def every_split(stream: bytes) -> list[list[bytes]]:
    """The stream in two pieces at each position, and one byte at a time."""
    splits = [[stream[:i], stream[i:]] for i in range(len(stream) + 1)]
    return splits + [[stream[i : i + 1] for i in range(len(stream))]]


STREAM = (
    "\ufeff: keep-alive\r\n"
    "\r\n"
    "event: delta\r\n"
    "id: 7\r\n"
    "retry: 1500\r\n"
    'data: {"text": "h\u00e9llo \u2603 \U0001f600"}\r\n'
    "\r\n"
    "data: first line\r"
    "data:second line\r"
    "\r"
    "data\n"
    "\n"
    ":comment\n"
    "data: [DONE]\n"
    "\n"
).encode()

WANT = [
    ServerSentEvent("delta", '{"text": "h\u00e9llo \u2603 \U0001f600"}', "7", 1500),
    ServerSentEvent("message", "first line\nsecond line", "7", None),
    ServerSentEvent("message", "", "7", None),
    ServerSentEvent("message", "[DONE]", "7", None),
]


def test_whole_stream() -> None:
    assert decode(STREAM) == WANT


def test_split_anywhere() -> None:
    # Splits inside CRLF, inside multi-byte characters and inside the BOM.
    for chunks in every_split(STREAM):
        assert decode(*chunks) == WANT, chunks


@pytest.mark.parametrize(
    ("stream", "want"),
    [
        (b"data: a\n\n", [ServerSentEvent(data="a")]),
        (b"data:a\ndata: b\ndata\n\n", [ServerSentEvent(data="a\nb\n")]),
        (b"data:  two spaces\n\n", [ServerSentEvent(data=" two spaces")]),
        (b"event: only\n\n", []),  # no data: not dispatched
        (b"id: 1\n\ndata: x\n\n", [ServerSentEvent(data="x", id="1")]),
        (b"id: a\0b\ndata: x\n\n", [ServerSentEvent(data="x")]),
        (b"retry: 12x\ndata: x\n\n", [ServerSentEvent(data="x")]),
        (b"unknown: 1\ndata: x\n\n", [ServerSentEvent(data="x")]),
        (b": ping\n\n: ping\n\n", []),
        (b"data: \xff\n\n", [ServerSentEvent(data="\ufffd")]),
        (
            b"data: a\r\n\r\ndata: b\r\r",
            [ServerSentEvent(data="a"), ServerSentEvent(data="b")],
        ),
    ],
)
def test_field_rules(stream: bytes, want: list[ServerSentEvent]) -> None:
    assert decode(stream) == want


def test_pending_marks_an_unfinished_event() -> None:
    decoder = SSEDecoder()
    assert not decoder.pending
    decoder.feed(b'data: {"a"')
    assert decoder.pending
    decoder.feed(b": 1}\n")
    assert decoder.pending  # a complete line, but no blank line yet
    assert decoder.feed(b"\n") == [ServerSentEvent(data='{"a": 1}')]
    assert not decoder.pending

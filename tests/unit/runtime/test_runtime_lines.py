"""LineReader: lines out of chunks cut anywhere, every terminator rule, the size limit."""

from __future__ import annotations

import pytest
from oapigen_runtime.errors import ResponseTooLargeError
from oapigen_runtime.lines import LineReader


def lines_of(reader: LineReader, stream: bytes, every: int) -> list[bytes]:
    """The lines of ``stream`` fed ``every`` bytes at a time."""
    return [
        line
        for start in range(0, len(stream), every)
        for line in reader.feed(stream[start : start + every])
    ]


@pytest.mark.parametrize(
    ("separator", "stream", "want", "rest"),
    [
        (None, b"a\r\nb\nc\rd", [b"a", b"b", b"c"], b"d"),
        (None, b"\r\n\r\n", [b"", b""], b""),
        (None, b"a\r\n\nb\n", [b"a", b"", b"b"], b""),
        (None, b"a\r\rb\n\n", [b"a", b"", b"b", b""], b""),
        (
            b"\n",
            b'{"a": 1}\r\n{"b": 2}\n\n{"c"',
            [b'{"a": 1}\r', b'{"b": 2}', b""],
            b'{"c"',
        ),
        (b"\x1e", b'\x1e{"a": 1}\n\x1e2\n', [b"", b'{"a": 1}\n'], b"2\n"),
    ],
)
def test_lines_split_at_every_position(
    separator: bytes | None, stream: bytes, want: list[bytes], rest: bytes
) -> None:
    """The same lines however the stream is cut, a CRLF split between chunks included."""
    for every in range(1, len(stream) + 1):
        reader = LineReader(100, separator)
        assert lines_of(reader, stream, every) == want, every
        assert reader.pending == bool(rest)
        assert reader.take_rest() == rest
        assert not reader.pending


def test_empty_chunks_change_nothing() -> None:
    reader = LineReader(100)
    assert [reader.feed(chunk) for chunk in (b"a\r", b"", b"\n", b"", b"\n")] == [
        [b"a"],
        [],
        [],
        [],
        [b""],
    ]


def test_a_long_line_in_pieces_is_joined_once() -> None:
    reader = LineReader(None)
    for _ in range(1000):
        assert reader.feed(b"x" * 100) == []
    assert reader.feed(b"y\n") == [b"x" * 100_000 + b"y"]


@pytest.mark.parametrize("every", [1, 7, 64])
def test_the_limit(every: int) -> None:
    """A line of the limit passes; one byte more raises, whether it is still open or ends
    inside one chunk; the reader is usable afterwards."""
    reader = LineReader(10)
    assert lines_of(reader, b"0123456789\n", every) == [b"0123456789"]
    with pytest.raises(ResponseTooLargeError) as raised:
        lines_of(reader, b"0123456789A", every)
    assert raised.value.limit == 10 and raised.value.option == "max_event_bytes"
    assert not reader.pending
    with pytest.raises(ResponseTooLargeError):
        reader.feed(b"0123456789AB\n")
    assert reader.feed(b"ok\n") == [b"ok"]


def test_a_separator_is_one_byte() -> None:
    with pytest.raises(ValueError):
        LineReader(10, b"\r\n")

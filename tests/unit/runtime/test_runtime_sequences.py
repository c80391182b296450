"""Sequential media types (OpenAPI 3.2 ``itemSchema``): JSON Lines, NDJSON, JSON text
sequences and typed server-sent events, fed in pieces cut anywhere, and read whole."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from oapigen_runtime import errors, sequences
from oapigen_runtime.models import ApiModel
from oapigen_runtime.sequences import (
    EventItems,
    Framing,
    ItemReader,
    JsonLines,
    JsonTextSequence,
    TypedEvent,
    read_all,
)
from pydantic import TypeAdapter


class Entry(ApiModel):
    n: int


def fed(framing: Framing, data: bytes, size: int) -> list[object]:
    values: list[object] = []
    for i in range(0, len(data), size):
        values += framing.feed(data[i : i + size])
    return values + framing.end()


JSONL = b'{"n": 1}\r\n\n  \n{"n": 2}\n[3, "\xc3\xbc"]\n"no newline at the end"'
JSON_SEQ = (
    b'\x1e{"n": 1}\n'
    b'\x1e{\n  "n": 2,\n  "nested": {"a": [1,\n 2]}\n}\n'
    b"\x1e\x1e"  # consecutive RS are no empty texts
    b"\x1e{not json, skipped}\n"
    b"\x1e42\n"
)
CASES: list[tuple[str, Callable[[], Framing], bytes, list[object]]] = [
    (
        "json lines",
        JsonLines,
        JSONL,
        [{"n": 1}, {"n": 2}, [3, "ü"], "no newline at the end"],
    ),
    (
        "json text sequence",
        JsonTextSequence,
        JSON_SEQ,
        [{"n": 1}, {"n": 2, "nested": {"a": [1, 2]}}, 42],
    ),
]


@pytest.mark.parametrize(
    ("name", "make", "data", "want"), CASES, ids=[c[0] for c in CASES]
)
@pytest.mark.parametrize("size", [1, 2, 5, 4096])
def test_values_whatever_the_chunks(
    name: str, make: Callable[[], Framing], data: bytes, want: list[object], size: int
) -> None:
    assert fed(make(), data, size) == want, name


def test_a_json_text_ending_with_its_lf_is_given_at_once() -> None:
    framing = JsonTextSequence()
    assert framing.feed(b'\x1e{"n": 1}') == []
    assert framing.feed(b"\n") == [{"n": 1}]  # not held until the next RS
    assert framing.feed(b'\x1e{"n":\n') == []  # an LF inside a text
    assert framing.feed(b" 2}\n") == [{"n": 2}]


TRICKY = '{"a": "x]}\\\\\\"{[\\n", "b\\\\": ["]", {"c": "\\\\"}], "d": []}'


def test_a_text_is_given_when_its_value_closes_wherever_it_is_cut() -> None:
    """Brackets and quotes inside strings, escaped quotes and backslashes cut at every byte:
    the value comes out with the LF that ends it, not before and not later."""
    text = b"\x1e" + TRICKY.encode() + b"\n"
    for cut in range(1, len(text) - 1):
        framing = JsonTextSequence()
        assert framing.feed(text[:cut]) == [], cut
        assert framing.feed(text[cut:]) == [json.loads(TRICKY)], cut
        assert framing.end() == []


def test_a_pretty_text_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text arriving a line at a time is parsed when its value has closed, not at every
    LF (which was quadratic in its size): reading a sequence is linear."""
    parsed: list[int] = []

    def counted(content: bytes | str) -> object:
        parsed.append(len(content))
        return json.loads(content)

    monkeypatch.setattr(sequences, "json_value", counted)
    lines = [b"[\n"] + [b'{"n": "]"},\n'] * 5000 + [b"{}\n", b"]\n"]
    framing = JsonTextSequence()
    values = [v for line in [b"\x1e", *lines] for v in framing.feed(line)]
    assert len(values) == 1 and len(values[0]) == 5001  # type: ignore[arg-type]
    assert parsed == [sum(map(len, lines))]


def test_a_text_that_is_no_json_is_tried_once_then_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[bytes | str] = []

    def counted(content: bytes | str) -> object:
        parsed.append(content)
        return json.loads(content)

    monkeypatch.setattr(sequences, "json_value", counted)
    framing = JsonTextSequence()
    fed = [framing.feed(piece) for piece in (b"\x1e][\n", b"{}\n", b"[]\n", b"\x1e1\n")]
    assert fed == [[], [], [], [1]]
    assert parsed == [b"][\n", b"][\n{}\n[]\n", b"1\n"]


def test_a_line_that_is_not_json_is_an_error() -> None:
    with pytest.raises(ValueError):
        JsonLines().feed(b'{"n": 1}\n{oops}\n')


def test_a_cut_last_line_is_an_error_at_the_end() -> None:
    framing = JsonLines()
    assert framing.feed(b'{"n": 1}\n{"n": ') == [{"n": 1}]
    with pytest.raises(ValueError):
        framing.end()


@pytest.mark.parametrize("make", [JsonLines, JsonTextSequence])
def test_an_endless_item_is_refused(make: Callable[[int | None], Framing]) -> None:
    framing = make(1000)
    framing.feed(b"\x1e[" + b"1," * 400)
    with pytest.raises(errors.ResponseTooLargeError) as raised:
        framing.feed(b"1," * 200)
    assert raised.value.option == "max_event_bytes"


def test_events_become_mappings_until_done() -> None:
    stream = (
        b': comment\n\nevent: delta\nid: 7\nretry: 10\ndata: {"n": 1}\n\n'
        b"data: line one\ndata: line two\n\ndata: [DONE]\n\ndata: never\n\n"
    )
    framing = EventItems()
    values = fed(framing, stream, 3)
    assert values == [
        {"event": "delta", "data": '{"n": 1}', "id": "7", "retry": 10},
        {"event": "message", "data": "line one\nline two", "id": "7"},
    ]
    assert framing.done


def test_an_error_event_raises_stream_error() -> None:
    with pytest.raises(errors.StreamError) as raised:
        EventItems().feed(b'event: error\ndata: {"message": "busy"}\n\n')
    assert raised.value.data == {"message": "busy"}


def test_typed_event_data_is_parsed_as_its_type() -> None:
    events = TypeAdapter(list[TypedEvent[Entry | str]]).validate_python(
        [
            {"event": "a", "data": '{"n": 5}'},
            {"event": "b", "data": "1.5"},  # JSON, but no Entry: kept as the text
            {"event": "c", "data": "plain text"},
        ]
    )
    assert [(e.event, e.data) for e in events] == [
        ("a", Entry(n=5)),
        ("b", "1.5"),
        ("c", "plain text"),
    ]
    text = TypedEvent[str].model_validate({"data": '{"n": 5}'})
    assert text.data == '{"n": 5}' and text.event == "message"


def response(content_type: str, body: bytes) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": content_type}, content=body)


def test_read_all_follows_the_content_type() -> None:
    assert read_all(response("application/x-ndjson", b"1\n2\n"), "json-seq") == [1, 2]
    assert read_all(response("application/json-seq", b"\x1e1\n\x1e2\n"), "jsonl") == [
        1,
        2,
    ]
    events = read_all(response("text/event-stream", b"data: x\n\n"), "events")
    assert events == [{"event": "message", "data": "x", "id": None}]


def test_item_reader_validates_and_blames_the_response() -> None:
    reader = ItemReader(
        response("application/jsonl", b""), "jsonl", Entry.model_validate
    )
    assert [e.n for e in reader.feed(b'{"n": 1}\n{"n": 2}')] == [1]
    assert [e.n for e in reader.finish()] == [2]
    with pytest.raises(errors.ApiResponseValidationError):
        list(reader.feed(b'{"n": "not a number"}\n'))
    cut = ItemReader(response("application/jsonl", b""), "jsonl", Entry.model_validate)
    list(cut.feed(b'{"n": '))
    with pytest.raises(errors.ApiConnectionError):
        list(cut.finish())

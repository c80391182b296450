"""Stream over Server-Sent Events from a real server: items, ends, errors, closing."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest
from loopback import Loopback, Reply
from oapigen_runtime import errors
from oapigen_runtime.models import ApiModel
from oapigen_runtime.streaming import Stream
from oapigen_runtime.transport import Call, ResponseType, SyncTransport

MakeTransport = Callable[..., SyncTransport]


class Delta(ApiModel):
    content: str


class Chunk(ApiModel):
    id: str
    delta: Delta


def chunk(text: str) -> str:
    return f'data: {{"id": "c1", "delta": {{"content": "{text}"}}}}\n\n'


EVENTS = chunk("Hel") + chunk("lo") + "data: [DONE]\n\n"
CALL = Call(
    "POST",
    "/chat/completions",
    body={"model": "m", "stream": True},
    responses=(ResponseType("200", "json", Chunk), ResponseType("200", "sse", Chunk)),
)


def open_stream(transport: SyncTransport, item_type: object = Chunk) -> Stream[Chunk]:
    return transport.stream(CALL, item_type)


def test_items_and_wire(loopback: Loopback, make_transport: MakeTransport) -> None:
    loopback.reply("POST", "/chat/completions", Reply.sse(EVENTS))
    with open_stream(make_transport()) as stream:
        texts = [item.delta.content for item in stream]
    assert texts == ["Hel", "lo"]
    assert stream.response.is_closed
    got = loopback.last
    assert got.json() == {"model": "m", "stream": True}
    assert got.header("accept") == "application/json"  # as the official SDK sends


def test_items_split_at_every_byte(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    data = ("\r\n".join(EVENTS.split("\n"))).encode()
    loopback.reply(
        "POST",
        "/chat/completions",
        Reply.sse(*[data[i : i + 1] for i in range(len(data))]),
    )
    assert [item.delta.content for item in open_stream(make_transport())] == [
        "Hel",
        "lo",
    ]


def test_done_ends_the_stream_even_if_more_follows(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("POST", "/chat/completions", Reply.sse(EVENTS + chunk("ignored")))
    stream = open_stream(make_transport())
    assert len(list(stream)) == 2
    assert stream.response.is_closed


def test_stream_without_done_ends_at_close(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply(
        "POST", "/chat/completions", Reply.sse(chunk("a"), ": bye\n\n", framing="close")
    )
    assert [item.delta.content for item in open_stream(make_transport())] == ["a"]


def test_untyped_items_and_next(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("POST", "/chat/completions", Reply.sse(EVENTS))
    stream = open_stream(make_transport(), None)
    assert next(stream) == {"id": "c1", "delta": {"content": "Hel"}}
    assert next(stream)["delta"]["content"] == "lo"
    with pytest.raises(StopIteration):
        next(stream)


@pytest.mark.parametrize(
    "error_event",
    [
        'event: error\ndata: {"error": {"message": "overloaded"}}\n\n',
        'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n',
    ],
)
def test_error_event_raises_stream_error(
    loopback: Loopback, make_transport: MakeTransport, error_event: str
) -> None:
    loopback.reply(
        "POST", "/chat/completions", Reply.sse(chunk("a"), error_event, chunk("b"))
    )
    stream = open_stream(make_transport())
    received = []
    with pytest.raises(errors.StreamError) as info:
        for item in stream:
            received.append(item.delta.content)
    assert received == ["a"]
    assert info.value.data == {"error": info.value.data["error"]}  # type: ignore[index]
    assert "overloaded" in str(info.value)
    assert stream.response.is_closed


def test_a_null_error_field_is_not_an_error(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply(
        "POST", "/chat/completions", Reply.sse('data: {"error": null, "x": 1}\n\n')
    )
    assert list(open_stream(make_transport(), None)) == [{"error": None, "x": 1}]


@pytest.mark.parametrize("framing", ["chunked", "close"])
def test_truncated_stream_raises_connection_error(
    loopback: Loopback, make_transport: MakeTransport, framing: str
) -> None:
    cut = chunk("a") + 'data: {"id": "c1", "del'
    loopback.reply("POST", "/chat/completions", Reply.sse(cut, truncate=True, framing=framing))  # type: ignore[arg-type]
    stream = open_stream(make_transport())
    received = []
    with pytest.raises(errors.ApiConnectionError):
        for item in stream:
            received.append(item.delta.content)
    assert received == ["a"]


def test_item_not_fitting_its_model(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("POST", "/chat/completions", Reply.sse('data: {"id": 5}\n\n'))
    strict = make_transport(strict_response_validation=True)
    with pytest.raises(errors.ApiResponseValidationError) as info:
        list(open_stream(strict))
    assert info.value.body == b'{"id": 5}'


def test_status_error_is_raised_before_returning(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply(
        "POST",
        "/chat/completions",
        Reply.json({"error": {"message": "no"}}, status=400),
    )
    with pytest.raises(errors.BadRequestError) as info:
        open_stream(make_transport())
    assert info.value.parsed == {"error": {"message": "no"}}


def test_json_answer_to_a_stream_request(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("POST", "/chat/completions", Reply.json({"id": "c1"}))
    with pytest.raises(errors.ApiResponseValidationError, match="text/event-stream"):
        open_stream(make_transport())


def test_stream_open_is_retried(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply(
        "POST",
        "/chat/completions",
        Reply.json({}, status=429, headers={"retry-after-ms": "0"}),
        Reply.sse(EVENTS),
    )
    assert len(list(open_stream(make_transport(max_retries=1)))) == 2
    assert len(loopback.requests) == 2


def test_break_closes_the_response(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    many = [chunk("x")] * 20 + ["data: [DONE]\n\n"]
    loopback.reply("POST", "/chat/completions", Reply.sse(*many, chunk_delay=0.01))
    stream = open_stream(make_transport())
    for _ in stream:
        break
    assert stream.response.is_closed


def test_close_and_with_close_the_response(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("POST", "/chat/completions", Reply.sse(EVENTS), Reply.sse(EVENTS))
    transport = make_transport()
    stream = open_stream(transport)
    assert next(stream).delta.content == "Hel"
    stream.close()
    assert stream.response.is_closed
    assert list(stream) == []
    with open_stream(transport) as entered:
        next(entered)
    assert entered.response.is_closed


def test_unreferenced_stream_is_closed(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("POST", "/chat/completions", Reply.sse(EVENTS))
    stream = open_stream(make_transport())
    response = stream.response
    next(stream)
    del stream
    gc.collect()
    assert response.is_closed

"""Errors a person can act on: the message an error body gives, in the shapes APIs use, the
request id, the body as JSON and the declared error model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from loopback import Loopback, Reply
from oapigen_runtime import errors
from oapigen_runtime.models import ApiModel
from oapigen_runtime.transport import Call, ResponseType, SyncTransport

MakeTransport = Callable[..., SyncTransport]


class Problem(ApiModel):
    title: str
    status: int


@pytest.mark.parametrize(
    ("body", "want"),
    [
        ({"error": {"message": "No such file: abc", "type": "x"}}, "No such file: abc"),
        ({"message": "Not Found", "documentation_url": "u"}, "Not Found"),
        ({"detail": "Item not found"}, "Item not found"),
        ({"detail": [{"loc": ["q"], "msg": "field required"}]}, "field required"),
        ({"type": "about:blank", "title": "Gone", "status": 410}, "Gone"),
        ({"error": "invalid_grant", "error_description": "expired"}, "expired"),
        ({"error": "not_found"}, "not_found"),
        ({"errors": [{"code": 7, "message": "bad id"}]}, "bad id"),
        ({"errors": ["first", "second"]}, "first"),
        ({"error": {"code": 5}, "message": "outer"}, "outer"),
        ({"code": 5}, None),
        ([1, 2], None),
        ("text", None),
    ],
)
def test_the_message_of_an_error_body(body: Any, want: str | None) -> None:
    assert errors.error_message(body) == want


@pytest.mark.parametrize(
    ("reply", "message", "text"),
    [
        (
            Reply.json({"error": {"message": "No such file: abc"}}, status=404),
            "No such file: abc",
            "Error code: 404 - No such file: abc (request id req_123)",
        ),
        (
            Reply(404, {"content-type": "text/plain"}, b"  file gone \n"),
            "file gone",
            "Error code: 404 - file gone (request id req_123)",
        ),
        (
            Reply.json({"code": 5}, status=404),
            '{"code": 5}',
            'Error code: 404 - {"code": 5} (request id req_123)',
        ),
    ],
)
def test_an_error_reads_as_a_sentence(
    loopback: Loopback,
    make_transport: MakeTransport,
    reply: Reply,
    message: str,
    text: str,
) -> None:
    reply.headers = {**dict(reply.header_items()), "x-request-id": "req_123"}
    loopback.reply("GET", "/files/abc", reply)
    with pytest.raises(errors.NotFoundError) as raised:
        make_transport().request(Call("GET", "/files/abc"))
    assert raised.value.message == message
    assert raised.value.request_id == "req_123"
    assert str(raised.value) == text
    assert raised.value.content == reply.body


def test_body_is_json_and_parsed_the_declared_model(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    problem = {"type": "about:blank", "title": "Out of stock", "status": 409}
    loopback.always("POST", "/orders", Reply.json(problem, status=409))
    call = Call("POST", "/orders", responses=(ResponseType("4XX", "json", Problem),))
    with pytest.raises(errors.ConflictError) as raised:
        make_transport().request(call)
    err = raised.value
    assert err.body == problem and err.parsed == Problem(**problem)
    assert err.message == "Out of stock" and err.request_id is None
    assert str(err) == "Error code: 409 - Out of stock"


def test_an_empty_error_body(loopback: Loopback, make_transport: MakeTransport) -> None:
    loopback.reply("GET", "/x", Reply(500, {"request-id": "r-9"}, b""))
    with pytest.raises(errors.InternalServerError) as raised:
        make_transport().request(Call("GET", "/x"))
    assert raised.value.body is None and raised.value.parsed is None
    assert str(raised.value) == "Error code: 500 (request id r-9)"


def test_the_request_id_header_a_setting_names(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    headers = {"x-amzn-requestid": "amzn-1", "x-request-id": "generic"}
    loopback.reply(
        "GET", "/x", Reply.json({"message": "no"}, status=403, headers=headers)
    )
    loopback.reply("GET", "/x", Reply.json({}, headers=headers))
    loopback.reply("GET", "/x", Reply.json({}, headers={"request-id": "plain"}))
    transport = make_transport(request_id_header="X-Amzn-RequestId")
    with pytest.raises(errors.PermissionDeniedError) as raised:
        transport.request(Call("GET", "/x"))
    assert raised.value.request_id == "amzn-1"
    assert transport.request(Call("GET", "/x"), "raw").request_id == "amzn-1"
    assert make_transport().request(Call("GET", "/x"), "raw").request_id == "plain"


def test_streamed_responses_carry_the_request_id(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("GET", "/file", Reply(200, {"x-request-id": "req_7"}, b"data"))
    with make_transport().request(Call("GET", "/file"), "streaming") as response:
        assert response.request_id == "req_7"
        assert response.read() == b"data"


def test_streams_carry_the_request_id(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    events = Reply.sse("data: {}\n\n", "data: [DONE]\n\n")
    events.headers = {**dict(events.header_items()), "x-request-id": "req_s"}
    loopback.reply("GET", "/events", events)
    call = Call("GET", "/events", responses=(ResponseType("200", "sse"),))
    with make_transport().stream(call, dict) as stream:
        assert stream.request_id == "req_s"
        assert list(stream) == [{}]

"""SyncTransport against a real server: requests, responses, errors, retries, credentials."""

from __future__ import annotations

import datetime
import email.utils
import logging
import time
from collections.abc import Callable
from typing import Annotated, Any, Literal

import httpx
import pydantic
import pytest
from loopback import Loopback, Reply, free_port
from oapigen_runtime import auth, errors
from oapigen_runtime.models import KEEP_UNKNOWN, ApiModel
from oapigen_runtime.response import RawResponse, StreamedResponse
from oapigen_runtime.transport import (
    Call,
    Param,
    ResponseType,
    SyncTransport,
    accept_for,
    pick_response,
    retry_delay,
    select_credentials,
)

MakeTransport = Callable[..., SyncTransport]
SECRET = "sk-very-secret-value"


class Model(ApiModel):
    id: str
    object_: Literal["model"] = pydantic.Field(alias="object")
    owned_by: Annotated[Literal["openai", "system"], KEEP_UNKNOWN]


class ErrorBody(ApiModel):
    error: dict[str, Any]


GET_MODEL = Call(
    "GET",
    "/models/{model}",
    params=(Param("path", "model", "gpt-4o-mini"),),
    responses=(
        ResponseType("200", "json", Model),
        ResponseType("default", "json", ErrorBody),
    ),
)
MODEL_JSON = {
    "id": "gpt-4o-mini",
    "object": "model",
    "owned_by": "openai",
    "created": 1,
}


def test_parsed_model_keeps_unknown_fields_and_enum_values(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply(
        "GET", "/models/gpt-4o-mini", Reply.json({**MODEL_JSON, "owned_by": "acme"})
    )
    model = make_transport().request(GET_MODEL)
    assert isinstance(model, Model)
    assert model.owned_by == "acme"
    assert model.model_extra == {"created": 1}
    got = loopback.last
    assert got.method == "GET"
    assert got.header("accept") == "application/json"
    assert (got.header("user-agent") or "").startswith("oapigen-client Python/")


def test_type_adapter_types_and_kinds(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    transport = make_transport()
    loopback.reply("GET", "/list", Reply.json([MODEL_JSON, MODEL_JSON]))
    loopback.reply(
        "GET", "/text", Reply(200, {"content-type": "text/plain"}, "héllo".encode())
    )
    loopback.reply("GET", "/bin", Reply(200, {"content-type": "image/png"}, b"\x89PNG"))
    loopback.reply("DELETE", "/thing", Reply(204))
    loopback.reply("GET", "/any", Reply.json({"free": ["form"]}))
    loopback.reply("GET", "/range", Reply.json(MODEL_JSON, status=201))

    many = transport.request(
        Call("GET", "/list", responses=(ResponseType("200", "json", list[Model]),))
    )
    assert [m.id for m in many] == ["gpt-4o-mini", "gpt-4o-mini"]
    assert (
        transport.request(
            Call("GET", "/text", responses=(ResponseType("200", "text"),))
        )
        == "héllo"
    )
    assert (
        transport.request(
            Call("GET", "/bin", responses=(ResponseType("200", "binary"),))
        )
        == b"\x89PNG"
    )
    assert (
        transport.request(
            Call("DELETE", "/thing", responses=(ResponseType("204", "empty"),))
        )
        is None
    )
    assert transport.request(Call("GET", "/any")) == {"free": ["form"]}
    ranged = transport.request(
        Call("GET", "/range", responses=(ResponseType("2XX", "json", Model),))
    )
    assert isinstance(ranged, Model)


def test_query_is_sorted_and_extra_query_wins(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("GET", "/files", Reply.json({}))
    call = Call(
        "GET",
        "/files",
        params=(
            Param("query", "limit", 2),
            Param("query", "purpose", "fine-tune"),
            Param("query", "order", "asc"),
            Param("query", "after", "file-xyz"),
        ),
        extra_query={"order": "desc"},
    )
    make_transport().request(call)
    assert loopback.last.query == "after=file-xyz&limit=2&order=desc&purpose=fine-tune"


def test_fixed_query_in_path_and_base_url_override(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("POST", "/v2/responses", Reply.json({}))
    transport = make_transport(base_url="http://127.0.0.1:1/unused")
    transport.request(
        Call("POST", "/responses?beta=true", base_url=loopback.url + "/v2/")
    )
    assert (loopback.last.path, loopback.last.query) == ("/v2/responses", "beta=true")


def test_default_headers_and_extra_headers(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("GET", "*", Reply.json({}), Reply.json({}))
    transport = make_transport(
        default_headers={"OpenAI-Organization": "org-1", "X-Both": "default"},
        user_agent="my-client/1.0",
    )
    transport.request(
        Call("GET", "/a", extra_headers={"x-both": "call", "Accept": "text/csv"})
    )
    first = loopback.last
    transport.request(Call("GET", "/b"))
    second = loopback.last
    assert first.header("openai-organization") == "org-1"
    assert first.header("x-both") == "call"
    assert first.header("accept") == "text/csv"
    assert (first.header("user-agent") or "").startswith("my-client/1.0 Python/")
    assert second.header("x-both") == "default"
    assert second.header("accept") == "application/json"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (422, errors.UnprocessableEntityError),
        (429, errors.RateLimitError),
        (500, errors.InternalServerError),
        (503, errors.InternalServerError),
        (418, errors.ApiStatusError),
    ],
)
def test_status_errors(
    loopback: Loopback,
    make_transport: MakeTransport,
    status: int,
    error_class: type[Exception],
) -> None:
    body = {"error": {"message": "nope", "type": "invalid_request_error"}}
    loopback.reply(
        "GET",
        "/models/gpt-4o-mini",
        Reply.json(body, status=status, headers={"x-request-id": "r1"}),
    )
    with pytest.raises(error_class) as info:
        make_transport().request(GET_MODEL)
    error = info.value
    assert type(error) is error_class
    assert isinstance(error, errors.ApiStatusError)
    assert error.status_code == status
    assert error.headers["x-request-id"] == "r1"
    assert isinstance(error.parsed, ErrorBody)  # the declared "default" response
    assert error.parsed.error["message"] == "nope"
    assert error.body == body and error.content == Reply.json(body).body
    assert error.message == "nope" and error.request_id == "r1"
    assert str(error) == f"Error code: {status} - nope (request id r1)"
    assert errors.status_error_class(status) is error_class


def test_error_parsed_without_declared_type_or_json(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("GET", "/a", Reply.json({"detail": "x"}, status=404))
    loopback.reply(
        "GET",
        "/b",
        Reply(502, {"content-type": "text/html"}, b"<html>bad gateway</html>"),
    )
    loopback.reply("GET", "/c", Reply.json({"unexpected": True}, status=400))
    transport = make_transport()
    with pytest.raises(errors.NotFoundError) as not_found:
        transport.request(Call("GET", "/a"))
    assert not_found.value.parsed == {"detail": "x"}
    with pytest.raises(errors.InternalServerError) as bad_gateway:
        transport.request(Call("GET", "/b"))
    assert bad_gateway.value.parsed is None
    assert "bad gateway" in str(bad_gateway.value)
    # A declared 4XX model the body does not fit: the model, built from what it has.
    declared = Call("GET", "/c", responses=(ResponseType("4XX", "json", ErrorBody),))
    with pytest.raises(errors.BadRequestError) as lenient:
        transport.request(declared)
    assert isinstance(lenient.value.parsed, ErrorBody)
    assert lenient.value.parsed.error is None
    assert lenient.value.parsed.model_extra == {"unexpected": True}


def test_bad_success_bodies(loopback: Loopback, make_transport: MakeTransport) -> None:
    loopback.reply(
        "GET",
        "/models/gpt-4o-mini",
        Reply(200, {"content-type": "application/json"}, b"{not json"),
    )
    loopback.reply("GET", "/models/gpt-4o-mini", Reply.json({"id": 1}))
    loopback.reply(
        "GET", "/untyped", Reply(200, {"content-type": "application/json"}, b"[1,")
    )
    transport = make_transport(strict_response_validation=True)
    with pytest.raises(errors.ApiResponseValidationError) as bad_json:
        transport.request(GET_MODEL)
    assert isinstance(bad_json.value.__cause__, pydantic.ValidationError)
    assert bad_json.value.status_code == 200
    assert bad_json.value.body == b"{not json"
    with pytest.raises(errors.ApiResponseValidationError) as wrong_shape:
        transport.request(GET_MODEL)
    assert isinstance(wrong_shape.value.__cause__, pydantic.ValidationError)
    with pytest.raises(errors.ApiResponseValidationError) as untyped:
        transport.request(
            Call("GET", "/untyped", responses=(ResponseType("200", "json"),))
        )
    assert isinstance(untyped.value.__cause__, ValueError)


def test_retries_honour_retry_after_ms_and_seconds(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply(
        "GET",
        "/models/gpt-4o-mini",
        Reply.json({}, status=429, headers={"retry-after-ms": "20"}),
        Reply.json({}, status=503, headers={"retry-after": "0"}),
        Reply.json(MODEL_JSON),
    )
    started = time.monotonic()
    model = make_transport(max_retries=2).request(GET_MODEL)
    assert model.id == "gpt-4o-mini"
    assert len(loopback.requests) == 3
    assert (
        0.02 <= time.monotonic() - started < 0.5
    )  # waited what the server said, not 0.5 s backoff


def test_retry_exhaustion_raises_the_last_status(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    busy = Reply.json({"error": "busy"}, status=500, headers={"retry-after-ms": "0"})
    loopback.reply(
        "GET", "/models/gpt-4o-mini", busy, busy, busy, Reply.json(MODEL_JSON)
    )
    with pytest.raises(errors.InternalServerError):
        make_transport(max_retries=2).request(GET_MODEL)
    assert len(loopback.requests) == 3


def test_x_should_retry_overrides_the_status(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply(
        "GET",
        "/x",
        Reply.json({}, status=500, headers={"x-should-retry": "false"}),
        Reply.json(
            {}, status=400, headers={"x-should-retry": "true", "retry-after-ms": "0"}
        ),
        Reply.json({"ok": 1}),
    )
    transport = make_transport(max_retries=2)
    with pytest.raises(errors.InternalServerError):
        transport.request(Call("GET", "/x"))
    assert transport.request(Call("GET", "/x")) == {"ok": 1}
    assert len(loopback.requests) == 3


def test_retry_delay_rules() -> None:
    assert retry_delay(0, httpx.Headers({"retry-after-ms": "250"})) == 0.25
    assert retry_delay(0, httpx.Headers({"retry-after": "3"})) == 3.0
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
        seconds=30
    )
    dated = retry_delay(
        0,
        httpx.Headers(
            {"retry-after": email.utils.format_datetime(future, usegmt=True)}
        ),
    )
    assert 28 <= dated <= 30
    for too_long in (
        {"retry-after": "3600"},
        {"retry-after-ms": "-5"},
        {"retry-after": "soon"},
    ):
        assert 0.375 <= retry_delay(0, httpx.Headers(too_long)) <= 0.5
    for retry, top in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        delays = [retry_delay(retry) for _ in range(50)]
        assert all(top * 0.75 <= d <= top for d in delays)


def test_timeout_raises_api_timeout_error(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("GET", "/slow", Reply.json({}, delay=3))
    transport = make_transport(timeout=30.0)
    started = time.monotonic()
    with pytest.raises(errors.ApiTimeoutError) as info:
        transport.request(Call("GET", "/slow", timeout=0.2))
    assert time.monotonic() - started < 2
    assert isinstance(info.value, errors.ApiConnectionError)
    assert isinstance(info.value.__cause__, httpx.TimeoutException)


def test_timeouts_are_retried(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("GET", "/slow", Reply.json({}, delay=3), Reply.json({"ok": True}))
    result = make_transport(max_retries=1).request(Call("GET", "/slow", timeout=0.2))
    assert result == {"ok": True}
    assert len(loopback.requests) == 2


def test_connection_refused_raises_api_connection_error(
    make_transport: MakeTransport,
) -> None:
    transport = make_transport(base_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(errors.ApiConnectionError) as info:
        transport.request(Call("GET", "/x"))
    assert not isinstance(info.value, errors.ApiTimeoutError)
    assert "ConnectError" in str(info.value)


def test_connection_cut_mid_body_is_a_connection_error(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("GET", "/x", Reply.json({"long": "x" * 100}, truncate=True))
    with pytest.raises(errors.ApiConnectionError):
        make_transport().request(Call("GET", "/x"))


def test_raw_response(loopback: Loopback, make_transport: MakeTransport) -> None:
    loopback.reply(
        "GET",
        "/models/gpt-4o-mini",
        Reply.json(MODEL_JSON, headers={"x-request-id": "abc"}),
    )
    raw = make_transport().request(GET_MODEL, mode="raw")
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "abc"
    assert raw.content == Reply.json(MODEL_JSON).body
    assert raw.parse() is raw.parse()
    assert isinstance(raw.parse(), Model)


def test_streamed_response(loopback: Loopback, make_transport: MakeTransport) -> None:
    chunks = [b"a" * 1000, b"b" * 1000, b"c" * 10]
    loopback.reply(
        "GET",
        "/download",
        Reply(200, {"content-type": "application/octet-stream"}, chunks=chunks),
    )
    loopback.reply(
        "GET",
        "/download",
        Reply(200, {"content-type": "application/octet-stream"}, chunks=chunks),
    )
    call = Call("GET", "/download", responses=(ResponseType("200", "binary"),))
    transport = make_transport()
    with transport.request(call, mode="streaming") as streamed:
        assert isinstance(streamed, StreamedResponse)
        assert streamed.status_code == 200
        assert not streamed.http_response.is_closed
        assert b"".join(streamed.iter_bytes()) == b"".join(chunks)
    assert streamed.http_response.is_closed
    with transport.request(call, mode="streaming") as again:
        assert again.parse() == b"".join(chunks)


def test_streamed_response_error_is_raised_before_returning(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("GET", "/download", Reply.json({"error": "gone"}, status=404))
    with pytest.raises(errors.NotFoundError) as info:
        make_transport().request(Call("GET", "/download"), mode="streaming")
    assert info.value.parsed == {"error": "gone"}


def test_credentials_on_the_wire(
    loopback: Loopback, make_transport: MakeTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PKG_BASIC", "user:pa:ss")
    monkeypatch.setenv("PKG_COOKIE", "c0okie")
    credentials = {
        "Bearer": auth.bearer(SECRET, env="PKG_UNSET"),
        "Basic": auth.basic(None, env="PKG_BASIC"),
        "Header": auth.api_key(
            "hk", env="PKG_UNSET", location="header", name="X-Api-Key"
        ),
        "Query": auth.api_key(
            "qk&=", env="PKG_UNSET", location="query", name="api-key"
        ),
        "Cookie": auth.api_key(None, env="PKG_COOKIE", location="cookie", name="sid"),
    }
    loopback.reply("GET", "*", *[Reply.json({})] * 3)
    transport = make_transport(credentials=credentials)
    transport.request(Call("GET", "/a", security=(("Bearer",),)))
    assert loopback.last.header("authorization") == f"Bearer {SECRET}"
    transport.request(Call("GET", "/b", security=(("Basic", "Header"),)))
    assert loopback.last.header("authorization") == "Basic dXNlcjpwYTpzcw=="
    assert loopback.last.header("x-api-key") == "hk"
    transport.request(
        Call(
            "GET",
            "/c",
            params=(Param("cookie", "theme", "dark"),),
            security=(("Query", "Cookie"),),
        )
    )
    assert loopback.last.query == "api-key=qk%26%3D"
    assert loopback.last.header("cookie") == "theme=dark; sid=c0okie"
    assert loopback.last.header("authorization") is None


def test_credential_factories(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PKG_KEY", raising=False)
    assert auth.bearer(None, env="PKG_KEY") is None
    monkeypatch.setenv("PKG_KEY", "")
    assert auth.bearer(None, env="PKG_KEY") is None
    monkeypatch.setenv("PKG_KEY", "from-env")
    assert auth.bearer(None, env="PKG_KEY") is not None
    monkeypatch.setenv("PKG_BASIC", "no-colon-here")
    with pytest.raises(ValueError, match="PKG_BASIC") as info:
        auth.basic(None, env="PKG_BASIC")
    assert "no-colon-here" not in str(info.value)


def test_security_alternatives() -> None:
    key = auth.bearer("k", env="UNSET_X")
    hints = {"A": "pass a_key= or set PKG_A_KEY", "B": "pass b= or set PKG_B"}
    assert select_credentials((), {}, hints) == ()
    assert select_credentials((("A",), ()), {"A": None}, hints) == ()
    assert select_credentials(((), ("A",)), {"A": key}, hints) == (key,)
    assert select_credentials((("A",), ("B",)), {"A": None, "B": key}, hints) == (key,)
    with pytest.raises(errors.MissingCredentialError) as both:
        select_credentials((("A", "B"),), {"A": key, "B": None}, hints)
    assert str(both.value) == (
        "This operation needs credentials: A (pass a_key= or set PKG_A_KEY)"
        " and B (pass b= or set PKG_B)."
    )
    with pytest.raises(errors.MissingCredentialError) as either:
        select_credentials((("A",), ("B",)), {}, hints)
    assert (
        "one of: A (pass a_key= or set PKG_A_KEY); or B (pass b= or set PKG_B)"
        in str(either.value)
    )


def test_missing_credential_sends_nothing(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    transport = make_transport(
        credentials={"ApiKeyAuth": None},
        credential_hints={"ApiKeyAuth": "pass api_key= or set CHAT_CLIENT_API_KEY"},
    )
    with pytest.raises(
        errors.MissingCredentialError,
        match="ApiKeyAuth .pass api_key= or set CHAT_CLIENT_API_KEY",
    ):
        transport.request(Call("GET", "/x", security=(("ApiKeyAuth",),)))
    assert loopback.requests == []


def test_no_secret_in_repr_errors_or_logs(
    loopback: Loopback, make_transport: MakeTransport, caplog: pytest.LogCaptureFixture
) -> None:
    credentials = {
        "Bearer": auth.bearer(SECRET, env="UNSET_X"),
        "Query": auth.api_key(SECRET, env="UNSET_X", location="query", name="key"),
        "Basic": auth.basic(("me", SECRET), env="UNSET_X"),
    }
    loopback.reply(
        "GET",
        "/x",
        Reply.json({}, status=429, headers={"retry-after-ms": "0"}),
        Reply.json({"error": "bad key"}, status=401),
    )
    transport = make_transport(credentials=credentials, max_retries=1)
    caplog.set_level(logging.DEBUG, logger="oapigen_runtime")
    with pytest.raises(errors.AuthenticationError) as info:
        transport.request(
            Call(
                "GET",
                "/x",
                params=(Param("query", "q", 1),),
                security=(("Bearer", "Query"),),
            )
        )
    assert loopback.last.query == f"key={SECRET}&q=1"
    texts = [repr(transport), str(info.value), repr(info.value), caplog.text]
    texts += [repr(c) for c in credentials.values()] + [str(auth.Secret(SECRET))]
    for text in texts:
        assert SECRET not in text
    assert "GET http://127.0.0.1" in caplog.text and "key=REDACTED&q=1" in caplog.text
    assert "retry 1 of 1 in" in caplog.text and "-> 401" in caplog.text


def test_given_http_client_is_used_and_not_closed(loopback: Loopback) -> None:
    client = httpx.Client(headers={"x-from-client": "yes"}, timeout=httpx.Timeout(7.0))
    transport = SyncTransport(
        base_url=loopback.url, credentials={}, credential_hints={}, http_client=client
    )
    assert transport.timeout == httpx.Timeout(7.0)
    loopback.reply("GET", "/x", Reply.json({}))
    transport.request(Call("GET", "/x"))
    transport.close()
    assert loopback.last.header("x-from-client") == "yes"
    assert not client.is_closed
    client.close()
    own = SyncTransport(base_url=loopback.url, credentials={}, credential_hints={})
    assert own.timeout == 600.0
    own.close()


@pytest.mark.parametrize(
    ("responses", "accept", "want"),
    [
        ((), None, "application/json"),
        (
            (ResponseType("200", "json"), ResponseType("200", "sse")),
            None,
            "application/json",
        ),
        ((ResponseType("200", "sse"),), None, "text/event-stream"),
        ((ResponseType("200", "binary"), ResponseType("default", "json")), None, "*/*"),
        ((ResponseType("200", "text"),), None, "text/plain, */*"),
        ((ResponseType("204", "empty"), ResponseType("default", "json")), None, "*/*"),
        ((ResponseType("default", "json"),), None, "application/json"),
        ((ResponseType("200", "json"),), "application/xml", "application/xml"),
        (
            (
                ResponseType("200", "binary", media_type="audio/mpeg"),
                ResponseType("200", "binary", media_type="audio/wav"),
                ResponseType("default", "json"),
            ),
            None,
            "audio/mpeg, audio/wav",
        ),
        ((ResponseType("200", "binary", media_type="image/*"),), None, "*/*"),
        ((ResponseType("200", "text", media_type="text/csv"),), None, "text/csv"),
    ],
)
def test_accept_header(
    responses: tuple[ResponseType, ...], accept: str | None, want: str
) -> None:
    assert accept_for(Call("GET", "/x", responses=responses, accept=accept)) == want


def test_pick_response_order() -> None:
    exact = ResponseType("201", "json", Model)
    ranged = ResponseType("2XX", "json")
    default = ResponseType("default", "json", ErrorBody)
    sse = ResponseType("200", "sse", Model)
    json_200 = ResponseType("200", "json", Model)
    responses = (exact, ranged, default)

    def answer(status: int, content_type: str = "application/json") -> httpx.Response:
        return httpx.Response(status, headers={"content-type": content_type})

    assert pick_response(responses, answer(201)) is exact
    assert pick_response(responses, answer(202)) is ranged
    assert pick_response(responses, answer(404)) is default
    assert pick_response((json_200, sse), answer(200, "text/event-stream")) is sse
    assert pick_response((json_200, sse), answer(200)) is json_200
    assert pick_response((json_200,), answer(203)) is json_200
    assert pick_response((json_200,), answer(500)) is None

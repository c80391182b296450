"""The generated Chat client against a server that fails: every fault ends in one of the
client's typed errors, after a bounded number of retries and a bounded time, never in a hang or
a bare httpx or pydantic exception.

Redirects: the client follows none (httpx's default, kept by the runtime's own HTTP client): a
3xx is an ``ApiStatusError`` carrying the status and ``Location``, and nothing reaches the other
host. A caller who passes an ``httpx.Client(follow_redirects=True)`` gets httpx's rule: the
``Authorization`` header is dropped when a redirect leaves the origin. TLS certificates are
verified unless the caller passes a client that does not.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest
from loopback import Loopback, Reply, free_port

SECRET = "sk-fault-secret"


def completion(**overrides: Any) -> dict[str, Any]:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hi", "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
    }
    return {**body, **overrides}


def chunk_event(content: str) -> str:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }
    return f"data: {json.dumps(body)}\n\n"


def client(chat: ModuleType, url: str, **options: Any) -> Any:
    options.setdefault("max_retries", 0)
    options.setdefault("timeout", 5.0)
    return chat.Client(api_key=SECRET, base_url=url, **options)


def get(c: Any) -> Any:
    return c.chat.get_chat_completion("x")


def only_client_errors(chat: ModuleType, exc: BaseException) -> None:
    """The error is the client's own; httpx's or pydantic's may only be its cause."""
    assert isinstance(exc, chat.ApiError), type(exc)
    assert not isinstance(exc, (httpx.HTTPError, pydantic.ValidationError))


# -- the connection -----------------------------------------------------------------------


def test_connection_refused_retries_then_gives_up(chat: ModuleType) -> None:
    started = time.monotonic()
    with client(chat, f"http://127.0.0.1:{free_port()}", max_retries=1) as c:
        with pytest.raises(chat.ApiConnectionError) as raised:
            get(c)
    only_client_errors(chat, raised.value)
    assert not isinstance(raised.value, chat.ApiTimeoutError)
    assert time.monotonic() - started < 5  # one backoff of at most 0.5 s


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_reset_mid_body_is_retried_then_a_connection_error(
    chat: ModuleType, loopback: Loopback, framing: str
) -> None:
    reset = Reply.json(completion(), framing=framing, reset=True)  # type: ignore[arg-type]
    loopback.reply("GET", "/chat/completions/x", reset, reset)
    with client(chat, loopback.url, max_retries=1) as c:
        with pytest.raises(chat.ApiConnectionError) as raised:
            get(c)
    only_client_errors(chat, raised.value)
    assert len(loopback.requests) == 2


def test_a_reset_then_a_good_answer_succeeds(
    chat: ModuleType, loopback: Loopback
) -> None:
    loopback.reply(
        "GET",
        "/chat/completions/x",
        Reply.json(completion(), reset=True),
        Reply.json(completion()),
    )
    with client(chat, loopback.url, max_retries=1) as c:
        assert get(c).id == "chatcmpl-1"


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        ("before the headers", Reply.json(completion(), delay=3.0)),
        (
            "in the middle of the body",
            Reply(
                200,
                {"content-type": "application/json"},
                chunks=[b'{"id": "chatcmpl-1", ', b'"object": "chat.completion"}'],
                chunk_delay=3.0,
            ),
        ),
    ],
)
def test_a_stalled_response_times_out(
    chat: ModuleType, loopback: Loopback, name: str, reply: Reply
) -> None:
    loopback.reply("GET", "/chat/completions/x", reply)
    started = time.monotonic()
    with client(chat, loopback.url, timeout=0.3) as c:
        with pytest.raises(chat.ApiTimeoutError) as raised:
            get(c)
    only_client_errors(chat, raised.value)
    assert time.monotonic() - started < 2.5


# -- the body -----------------------------------------------------------------------------


def test_truncated_json_body_is_a_connection_error(
    chat: ModuleType, loopback: Loopback
) -> None:
    """The server promised more bytes than it sent: the response never completed."""
    loopback.reply(
        "GET", "/chat/completions/x", Reply.json(completion(), truncate=True)
    )
    with client(chat, loopback.url) as c:
        with pytest.raises(chat.ApiConnectionError) as raised:
            get(c)
    only_client_errors(chat, raised.value)


@pytest.mark.parametrize(
    ("name", "content_type", "body"),
    [
        ("complete response holding cut JSON", "application/json", b'{"id": "chatc'),
        ("JSON of another shape", "application/json", b'{"id": 5, "choices": "none"}'),
        ("a JSON list", "application/json", b"[1, 2, 3]"),
        ("an HTML page", "text/html", b"<html><body>It works!</body></html>"),
        ("an empty body", "application/json", b""),
    ],
)
def test_a_success_body_that_is_not_the_model(
    chat: ModuleType, loopback: Loopback, name: str, content_type: str, body: bytes
) -> None:
    loopback.reply(
        "GET", "/chat/completions/x", Reply(200, {"content-type": content_type}, body)
    )
    with client(chat, loopback.url, strict_response_validation=True) as c:
        with pytest.raises(chat.ApiResponseValidationError) as raised:
            get(c)
    only_client_errors(chat, raised.value)
    assert raised.value.body == body and raised.value.status_code == 200


def test_a_missing_required_field_names_it(
    chat: ModuleType, loopback: Loopback
) -> None:
    body = completion()
    del body["choices"]
    loopback.reply("GET", "/chat/completions/x", Reply.json(body))
    with client(chat, loopback.url, strict_response_validation=True) as c:
        with pytest.raises(chat.ApiResponseValidationError) as raised:
            get(c)
    assert isinstance(raised.value.__cause__, pydantic.ValidationError)
    assert "choices" in str(raised.value.__cause__)


@pytest.mark.parametrize("status", [404, 500, 502])
def test_an_html_error_page(chat: ModuleType, loopback: Loopback, status: int) -> None:
    page = b"<html><head><title>Bad Gateway</title></head><body>nginx</body></html>"
    loopback.reply(
        "GET",
        "/chat/completions/x",
        Reply(status, {"content-type": "text/html"}, page),
    )
    with client(chat, loopback.url) as c:
        with pytest.raises(chat.ApiStatusError) as raised:
            get(c)
    only_client_errors(chat, raised.value)
    assert raised.value.status_code == status
    assert raised.value.content == page and raised.value.parsed is None
    assert raised.value.body == page.decode()
    assert isinstance(
        raised.value, chat.NotFoundError if status == 404 else chat.InternalServerError
    )


def test_a_storm_of_503s_ends_after_max_retries(
    chat: ModuleType, loopback: Loopback
) -> None:
    unavailable = Reply.json(
        {"error": {"message": "overloaded"}},
        status=503,
        headers={"retry-after-ms": "10"},
    )
    loopback.reply("GET", "/chat/completions/x", *[unavailable] * 20)
    started = time.monotonic()
    with client(chat, loopback.url, max_retries=3) as c:
        with pytest.raises(chat.InternalServerError) as raised:
            get(c)
    assert raised.value.status_code == 503
    assert len(loopback.requests) == 4
    assert time.monotonic() - started < 3


def test_a_retry_after_of_an_hour_is_not_honoured(
    chat: ModuleType, loopback: Loopback
) -> None:
    """A server asking for a long wait gets the client's own short backoff instead."""
    unavailable = Reply.json({}, status=503, headers={"retry-after": "3600"})
    loopback.reply("GET", "/chat/completions/x", unavailable, Reply.json(completion()))
    started = time.monotonic()
    with client(chat, loopback.url, max_retries=1) as c:
        assert get(c).id == "chatcmpl-1"
    assert time.monotonic() - started < 3


def test_a_dripping_answer_ends_at_the_deadline(
    chat: ModuleType, loopback: Loopback
) -> None:
    """timeout= bounds the whole answer: a byte every 0.05 s ends at 0.5 s, sync and async."""
    body = json.dumps(completion()).encode()
    drip = Reply(
        200,
        {"content-type": "application/json"},
        chunks=[body[i : i + 1] for i in range(len(body))],
        chunk_delay=0.05,
    )
    loopback.reply("GET", "/chat/completions/x", drip, drip)
    started = time.monotonic()
    with client(chat, loopback.url, timeout=0.5) as c:
        with pytest.raises(chat.ApiTimeoutError):
            get(c)

    async def run() -> None:
        async with chat.AsyncClient(
            api_key=SECRET, base_url=loopback.url, max_retries=0, timeout=0.5
        ) as c:
            await c.chat.get_chat_completion("x")

    with pytest.raises(chat.ApiTimeoutError):
        asyncio.run(run())
    assert time.monotonic() - started < 3  # each drip would last 20 s


def test_the_size_limits_are_client_options(
    chat: ModuleType, loopback: Loopback
) -> None:
    loopback.reply("GET", "/chat/completions/x", Reply.json(completion(id="x" * 2000)))
    loopback.reply(
        "POST", "/chat/completions", Reply.sse("data: " + "x" * 5000 + "\n\n")
    )
    with client(chat, loopback.url, max_response_bytes=1000, max_event_bytes=1000) as c:
        with pytest.raises(chat.ResponseTooLargeError) as raised:
            get(c)
        assert raised.value.option == "max_response_bytes"
        stream = c.chat.create_chat_completion_stream(
            model="m", messages=[{"role": "user", "content": "hi"}]
        )
        with pytest.raises(chat.ResponseTooLargeError) as raised:
            list(stream)
        assert raised.value.option == "max_event_bytes"
    only_client_errors(chat, raised.value)


# -- streams ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        (
            "chunked body cut mid-event",
            Reply.sse(
                chunk_event("Hel"), 'data: {"id": "chatcmpl-1", "obj', truncate=True
            ),
        ),
        (
            "connection reset mid-event",
            Reply.sse(
                chunk_event("Hel"), 'data: {"id": "chatcmpl-1", "obj', reset=True
            ),
        ),
        (
            "connection closed mid-event",
            Reply.sse(
                chunk_event("Hel"), 'data: {"id": "chatcmpl-1", "obj', framing="close"
            ),
        ),
    ],
)
def test_a_truncated_event_stream(
    chat: ModuleType, loopback: Loopback, name: str, reply: Reply
) -> None:
    loopback.reply("POST", "/chat/completions", reply)
    received = []
    with client(chat, loopback.url) as c:
        with pytest.raises(chat.ApiConnectionError) as raised:
            for event in c.chat.create_chat_completion_stream(
                model="m", messages=[{"role": "user", "content": "hi"}]
            ):
                received.append(event.choices[0].delta.content)
    only_client_errors(chat, raised.value)
    assert received == ["Hel"]


def test_a_stream_event_that_is_not_the_model(
    chat: ModuleType, loopback: Loopback
) -> None:
    loopback.reply(
        "POST",
        "/chat/completions",
        Reply.sse(chunk_event("Hel"), 'data: {"choices": 5}\n\n', "data: [DONE]\n\n"),
    )
    with client(chat, loopback.url) as c:
        stream = c.chat.create_chat_completion_stream(
            model="m",
            messages=[{"role": "user", "content": "hi"}],
            strict_response_validation=True,
        )
        with pytest.raises(chat.ApiResponseValidationError) as raised:
            list(stream)
    only_client_errors(chat, raised.value)


def test_the_async_client_fails_the_same_way(
    chat: ModuleType, loopback: Loopback
) -> None:
    loopback.reply(
        "GET", "/chat/completions/x", Reply(200, {"content-type": "text/html"}, b"<p>")
    )
    loopback.reply("GET", "/chat/completions/y", Reply.json(completion(), reset=True))
    loopback.reply(
        "POST",
        "/chat/completions",
        Reply.sse(chunk_event("Hel"), "data: {", truncate=True),
    )

    async def run() -> list[type[BaseException]]:
        seen: list[type[BaseException]] = []
        async with chat.AsyncClient(
            api_key=SECRET,
            base_url=loopback.url,
            max_retries=0,
            timeout=5,
            strict_response_validation=True,
        ) as c:
            for call in (
                c.chat.get_chat_completion("x"),
                c.chat.get_chat_completion("y"),
                _drain(
                    c.chat.create_chat_completion_stream(
                        model="m", messages=[{"role": "user", "content": "hi"}]
                    )
                ),
            ):
                try:
                    await asyncio.wait_for(call, timeout=10)
                except chat.ApiError as exc:
                    seen.append(type(exc))
        return seen

    assert asyncio.run(run()) == [
        chat.ApiResponseValidationError,
        chat.ApiConnectionError,
        chat.ApiConnectionError,
    ]


async def _drain(stream: Any) -> None:
    async for _ in stream:
        pass


# -- redirects ----------------------------------------------------------------------------


@pytest.fixture
def other_host() -> Iterator[Loopback]:
    """A server on 127.0.0.2: for a client, another host than 127.0.0.1."""
    try:
        server = Loopback(host="127.0.0.2").start()
    except OSError:  # pragma: no cover - a system without the whole 127/8 range
        pytest.skip("127.0.0.2 is not available here")
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_to_another_host_is_not_followed(
    chat: ModuleType, loopback: Loopback, other_host: Loopback, status: int
) -> None:
    target = f"{other_host.url}/chat/completions/x"
    loopback.reply(
        "GET", "/chat/completions/x", Reply(status, {"location": target}, b"")
    )
    other_host.reply("GET", "/chat/completions/x", Reply.json(completion()))
    with client(chat, loopback.url) as c:
        with pytest.raises(chat.ApiStatusError) as raised:
            get(c)
    assert raised.value.status_code == status
    assert raised.value.headers["location"] == target
    assert other_host.requests == []


def test_a_following_client_drops_the_credential_leaving_the_origin(
    chat: ModuleType, loopback: Loopback, other_host: Loopback
) -> None:
    loopback.reply(
        "GET",
        "/chat/completions/x",
        Reply(307, {"location": f"{other_host.url}/chat/completions/x"}, b""),
    )
    other_host.reply("GET", "/chat/completions/x", Reply.json(completion()))
    with httpx.Client(follow_redirects=True, timeout=5) as http:
        with client(chat, loopback.url, http_client=http) as c:
            assert get(c).id == "chatcmpl-1"
    assert loopback.last.header("authorization") == f"Bearer {SECRET}"
    assert other_host.last.header("authorization") is None
    assert SECRET not in repr(other_host.last.headers)


def test_a_redirect_loop_is_bounded(chat: ModuleType, loopback: Loopback) -> None:
    loop = Reply(302, {"location": "/chat/completions/x"}, b"")
    loopback.reply("GET", "/chat/completions/x", *[loop] * 30)
    with httpx.Client(follow_redirects=True, max_redirects=5, timeout=5) as http:
        with client(chat, loopback.url, http_client=http) as c:
            with pytest.raises(chat.ApiConnectionError) as raised:
                get(c)
    only_client_errors(chat, raised.value)
    assert len(loopback.requests) == 6


# -- TLS ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate made now, for 127.0.0.1, signed by itself, and its key."""
    openssl = shutil.which("openssl")
    if openssl is None:  # pragma: no cover - every CI machine here has it
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture(scope="module")
def self_signed(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """A server context with the self-signed certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def tls_server(self_signed: ssl.SSLContext) -> Iterator[Loopback]:
    server = Loopback(tls=self_signed).start()
    try:
        yield server
    finally:
        server.stop()


def test_tls_is_verified_by_default(chat: ModuleType, tls_server: Loopback) -> None:
    tls_server.reply("GET", "/chat/completions/x", Reply.json(completion()))
    with client(chat, tls_server.url) as c:
        with pytest.raises(chat.ApiConnectionError) as raised:
            get(c)
    only_client_errors(chat, raised.value)
    assert "CERTIFICATE_VERIFY_FAILED" in str(raised.value)
    assert tls_server.requests == []


def test_tls_trusts_what_httpx_trusts_when_the_first_handshake_comes(
    chat: ModuleType,
    tls_server: Loopback,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The client's own TLS context is httpx's default, made at the first handshake: it
    reads SSL_CERT_FILE then, as httpx does."""
    tls_server.reply("GET", "/chat/completions/x", Reply.json(completion()))
    with client(chat, tls_server.url) as c:
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        assert get(c).id == "chatcmpl-1"
    assert tls_server.last.header("authorization") == f"Bearer {SECRET}"


def test_the_trust_store_is_read_only_when_a_handshake_needs_it(
    chat: ModuleType,
    loopback: Loopback,
    tls_server: Loopback,
    certificate: tuple[Path, Path],
) -> None:
    """Reading the CA bundle is a tenth of a cold start: a client of an http:// server never
    does; a TLS one does once, for every connection after."""
    tls = importlib.import_module(f"{chat.__name__}._runtime.tls")

    made: list[ssl.SSLContext] = []

    def make() -> ssl.SSLContext:
        made.append(ssl.create_default_context(cafile=str(certificate[0])))
        return made[-1]

    for server in (loopback, tls_server):
        server.always("GET", "/ping", Reply.json({"ok": True}))
    with httpx.Client(verify=tls.DeferredContext(make), timeout=5) as http:
        assert http.get(f"{loopback.url}/ping").json() == {"ok": True}
        assert made == []
        for _ in range(2):
            headers = {"connection": "close"}  # a new connection, a new handshake
            reply = http.get(f"{tls_server.url}/ping", headers=headers)
            assert reply.json() == {"ok": True}
            assert reply.http_version == "HTTP/1.1"
    assert len(made) == 1


def test_tls_verification_is_off_only_when_the_caller_says_so(
    chat: ModuleType, tls_server: Loopback
) -> None:
    tls_server.reply("GET", "/chat/completions/x", Reply.json(completion()))
    with httpx.Client(verify=False, timeout=5) as http:
        with client(chat, tls_server.url, http_client=http) as c:
            assert get(c).id == "chatcmpl-1"
    assert tls_server.last.header("authorization") == f"Bearer {SECRET}"


KEYED = """\
openapi: 3.1.0
info: {title: Keyed, version: '1'}
servers: [{url: 'http://127.0.0.1:9'}]
security: [{KeyAuth: []}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: a thing
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
components:
  securitySchemes:
    KeyAuth: {type: apiKey, in: header, name: X-Api-Key}
"""


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """A client whose credential travels in a header of its own (not Authorization)."""
    from click.testing import CliRunner

    from generator.cli import main

    folder = tmp_path_factory.mktemp("keyed")
    (folder / "keyed.yaml").write_text(KEYED)
    out = folder / "out"
    result = CliRunner().invoke(
        main,
        [
            "generate",
            str(folder / "keyed.yaml"),
            "-o",
            str(out),
            "--package-name",
            "keyed_client",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    sys.path.insert(0, str(out))
    try:
        import keyed_client

        yield keyed_client
    finally:
        sys.path.remove(str(out))


def test_a_key_in_a_header_of_its_own_never_follows_a_redirect(
    keyed: ModuleType, loopback: Loopback, other_host: Loopback
) -> None:
    """httpx would carry ``X-Api-Key`` to the other host: the client does not follow."""
    loopback.reply(
        "GET",
        "/things/1",
        Reply(307, {"location": f"{other_host.url}/things/1"}, b""),
    )
    other_host.reply("GET", "/things/1", Reply.json({"id": "1"}))
    with httpx.Client(follow_redirects=True, timeout=5) as http:
        with keyed.Client(key=SECRET, base_url=loopback.url, http_client=http) as c:
            with pytest.raises(keyed.ApiStatusError) as raised:
                c.default.get_thing("1")
    assert raised.value.status_code == 307
    assert loopback.last.header("x-api-key") == SECRET
    assert other_host.requests == []

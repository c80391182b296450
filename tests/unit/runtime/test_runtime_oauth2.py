"""OAuth2 client credentials: the token is fetched, cached, refreshed before it expires, and
sent as a bearer token; failures of the token endpoint are the client's errors."""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any
from urllib.parse import parse_qs

import pytest
from loopback import Loopback, Reply
from oapigen_runtime import auth, errors
from oapigen_runtime.transport import AsyncTransport, Call

SECURED = Call("GET", "/data", security=(("OAuth",),))


def token(value: str, expires_in: float | None = 3600) -> Reply:
    body: dict[str, Any] = {"access_token": value, "token_type": "bearer"}
    if expires_in is not None:
        body["expires_in"] = expires_in
    return Reply.json(body)


def credential(loopback: Loopback, **options: Any) -> auth.Credential | None:
    return auth.oauth2(
        ("client-1", "secret-1"),
        env="UNSET_OAUTH_ENV",
        token_url="/oauth/token",
        scopes=("read", "write"),
        base_url=loopback.url + "/v1",
        **options,
    )


def test_token_is_fetched_once_and_sent_as_bearer(
    loopback: Loopback, make_transport: Any
) -> None:
    loopback.reply("POST", "/oauth/token", token("t1"))
    loopback.reply("GET", "/data", Reply.json({}), Reply.json({}))
    transport = make_transport(credentials={"OAuth": credential(loopback)})
    transport.request(SECURED)
    transport.request(SECURED)
    token_request, first, second = loopback.requests
    assert parse_qs(token_request.body.decode()) == {
        "grant_type": ["client_credentials"],
        "scope": ["read write"],
    }
    expected = base64.b64encode(b"client-1:secret-1").decode()
    assert token_request.header("authorization") == f"Basic {expected}"
    assert (
        first.header("authorization") == second.header("authorization") == "Bearer t1"
    )


def test_token_is_refreshed_before_it_expires(
    loopback: Loopback, make_transport: Any
) -> None:
    loopback.reply("POST", "/oauth/token", token("t1", expires_in=0.2), token("t2"))
    loopback.reply("GET", "/data", Reply.json({}), Reply.json({}), Reply.json({}))
    transport = make_transport(credentials={"OAuth": credential(loopback)})
    transport.request(SECURED)
    time.sleep(0.2)  # inside the last tenth of its life: fetched again
    transport.request(SECURED)
    transport.request(SECURED)
    sent = [r.header("authorization") for r in loopback.requests if r.path == "/data"]
    assert sent == ["Bearer t1", "Bearer t2", "Bearer t2"]


@pytest.mark.parametrize(
    ("name", "reply", "error"),
    [
        (
            "rejected client",
            Reply.json({"error": "invalid_client"}, status=401),
            errors.AuthenticationError,
        ),
        (
            "no token in the answer",
            Reply.json({"nope": 1}),
            errors.ApiResponseValidationError,
        ),
    ],
)
def test_token_endpoint_failures(
    loopback: Loopback, make_transport: Any, name: str, reply: Reply, error: type
) -> None:
    loopback.reply("POST", "/oauth/token", reply)
    transport = make_transport(credentials={"OAuth": credential(loopback)})
    with pytest.raises(error) as raised:
        transport.request(SECURED)
    assert "secret-1" not in str(raised.value), name
    assert [r.path for r in loopback.requests] == ["/oauth/token"]


def test_async_client_credentials(loopback: Loopback) -> None:
    loopback.reply("POST", "/oauth/token", token("t1"))
    loopback.reply("GET", "/data", Reply.json({}), Reply.json({}))

    async def main() -> None:
        transport = AsyncTransport(
            base_url=loopback.url,
            credentials={"OAuth": credential(loopback)},
            credential_hints={},
        )
        try:
            await asyncio.gather(transport.request(SECURED), transport.request(SECURED))
        finally:
            await transport.close()

    asyncio.run(main())
    paths = [r.path for r in loopback.requests]
    assert paths.count("/oauth/token") == 1 and paths.count("/data") == 2


@pytest.mark.parametrize(
    ("name", "value", "env", "token_url", "want"),
    [
        (
            "a pair",
            ("id", "secret"),
            None,
            "https://x/token",
            "OAuth2ClientCredentials",
        ),
        ("a token", "tok", None, "https://x/token", "BearerToken"),
        ("env pair", None, "id:s3cr3t", "https://x/token", "OAuth2ClientCredentials"),
        ("env token without a flow", None, "id:secret", "", "BearerToken"),
        ("nothing", None, None, "https://x/token", "NoneType"),
    ],
)
def test_oauth2_factory(
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: Any,
    env: str | None,
    token_url: str,
    want: str,
) -> None:
    if env is None:
        monkeypatch.delenv("OAUTH_TEST_ENV", raising=False)
    else:
        monkeypatch.setenv("OAUTH_TEST_ENV", env)
    found = auth.oauth2(value, env="OAUTH_TEST_ENV", token_url=token_url)
    assert type(found).__name__ == want, name
    assert "s3cr3t" not in repr(found)


def test_relative_token_url_follows_the_base_url(loopback: Loopback) -> None:
    found = credential(loopback)
    assert isinstance(found, auth.OAuth2ClientCredentials)
    assert found.token_url == loopback.url + "/oauth/token"

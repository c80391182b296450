"""Every credential kind of tests/e2e/roundtrip.yaml on the wire, per-operation security,
combined and alternative requirements, ``security: []``, and OAuth2 client credentials.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

import pytest
from loopback import Loopback

BASIC = "Basic " + base64.b64encode(b"ada:s3cret").decode()

# (operation, header or query that must carry the credential, its value)
CREDENTIALS: list[tuple[str, Callable[[Any], Any], str, str]] = [
    ("bearer", lambda c: c.auth.bearer_auth(), "authorization", "Bearer bearer-token"),
    ("basic", lambda c: c.auth.basic_auth(), "authorization", BASIC),
    ("api key in a header", lambda c: c.auth.header_key(), "x-api-key", "header-key"),
    ("api key in the query", lambda c: c.auth.query_key(), "?", "api_key=query-key"),
    ("api key in a cookie", lambda c: c.auth.cookie_key(), "cookie", "sid=cookie-key"),
    (
        "OAuth2 client credentials",
        lambda c: c.auth.oauth_client_credentials(),
        "authorization",
        "Bearer oauth-token-1",
    ),
]


@pytest.mark.parametrize(
    ("name", "call", "where", "value"), CREDENTIALS, ids=[c[0] for c in CREDENTIALS]
)
def test_each_credential_kind(
    client: Any, name: str, call: Callable[[Any], Any], where: str, value: str
) -> None:
    echoed = call(client)
    got = echoed.query if where == "?" else echoed.headers.get(where)
    assert got == value, name
    # Only the operation's own scheme is sent.
    others = {"authorization", "x-api-key", "cookie"} - {where}
    assert not others & set(echoed.headers), name


def test_combined_requirement_sends_both(client: Any) -> None:
    echoed = client.auth.both_keys()
    assert echoed.headers["x-api-key"] == "header-key"
    assert echoed.query == "api_key=query-key"


def test_alternatives_take_the_first_satisfied(roundtrip: Any) -> None:
    with roundtrip.Client(basic=("ada", "s3cret")) as c:
        assert c.auth.either_scheme().headers["authorization"] == BASIC
    with roundtrip.Client(basic=("ada", "s3cret"), client_credentials=("i", "s")) as c:
        assert c.auth.either_scheme().headers["authorization"] == "Bearer oauth-token-1"


def test_optional_and_no_security(roundtrip: Any, client: Any) -> None:
    assert client.auth.optional_auth().headers["x-api-key"] == "header-key"
    with roundtrip.Client() as anonymous:
        assert "x-api-key" not in anonymous.auth.optional_auth().headers
    echoed = client.auth.no_auth()
    assert not {"authorization", "x-api-key", "cookie"} & set(echoed.headers)
    assert echoed.query == ""


def test_missing_credential_names_the_keyword(roundtrip: Any) -> None:
    with (
        roundtrip.Client() as c,
        pytest.raises(roundtrip.MissingCredentialError) as raised,
    ):
        c.auth.basic_auth()
    assert "basic=" in str(raised.value) and "ROUNDTRIP_CLIENT_BASIC" in str(
        raised.value
    )


@pytest.mark.parametrize(
    ("keyword", "value", "expected"),
    [
        ("basic", "ada:s3cret", r"basic takes a \(username, password\) pair"),
        ("basic", ("ada",), r"pass basic=\('username', 'password'\)"),
        ("client_credentials", ("id", "secret", "x"), "an access token or a"),
        ("bearer", ("ada", "s3cret"), "bearer takes a string, got tuple"),
        ("header_key", b"key", "header_key takes a string, got bytes"),
    ],
)
def test_a_credential_of_the_wrong_form_is_refused(
    roundtrip: Any, keyword: str, value: Any, expected: str
) -> None:
    """A string for a pair (or a pair for a string) raises when the client is made, naming
    the form; before, ``basic="ada:s3cret"`` sent user ``a`` with password ``d``."""
    with pytest.raises(TypeError, match=expected):
        roundtrip.Client(**{keyword: value})


def test_credentials_from_the_environment(
    roundtrip: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUNDTRIP_CLIENT_HEADER_KEY", "from-env")
    monkeypatch.setenv("ROUNDTRIP_CLIENT_BASIC", "ada:s3cret")
    with roundtrip.Client() as c:
        assert c.auth.header_key().headers["x-api-key"] == "from-env"
        assert c.auth.basic_auth().headers["authorization"] == BASIC


def test_oauth_token_is_fetched_once_with_the_requested_scopes(
    roundtrip: Any, echo_server: Loopback
) -> None:
    before = len(echo_server.requests)
    with roundtrip.Client(client_credentials=("client-id", "client-secret")) as c:
        c.auth.oauth_client_credentials()
        c.auth.oauth_client_credentials()
    made = echo_server.requests[before:]
    assert [r.path for r in made] == [
        "/oauth/token",
        "/v1/auth/oauth",
        "/v1/auth/oauth",
    ]
    assert made[0].body == b"grant_type=client_credentials&scope=read+write"


def test_async_client_credentials(roundtrip: Any) -> None:
    async def main() -> list[str]:
        async with roundtrip.AsyncClient(
            client_credentials=("client-id", "client-secret"), basic=("ada", "s3cret")
        ) as c:
            echoed = await asyncio.gather(
                c.auth.oauth_client_credentials(), c.auth.basic_auth()
            )
            return [e.headers["authorization"] for e in echoed]

    assert asyncio.run(main()) == ["Bearer oauth-token-1", BASIC]


def test_secrets_never_show(client: Any) -> None:
    shown = repr(client) + repr(client._transport)
    for secret in ("bearer-token", "s3cret", "header-key", "client-secret"):
        assert secret not in shown

"""Credentials: how each security scheme's secret is found and put on a request.

A credential never shows its secret in ``repr``/``str``. The generated client calls
one factory per security scheme (``bearer``, ``basic``, ``api_key``, ``oauth2``) with
the value the user passed and the environment variable to fall back to.

Extension point: a credential that must fetch a token first (OAuth2 client
credentials) overrides ``prepare``/``aprepare``, which the transport awaits before
``apply`` on every request that uses it.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import httpx

from .errors import ApiResponseValidationError, connection_error, status_error_class
from .models import json_value

if TYPE_CHECKING:
    import asyncio


class Secret:
    """A string that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself; call it only where it goes on the wire."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class RequestAuth:
    """The parts of an outgoing request a credential may add to."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.query: list[tuple[str, str]] = []
        self.cookies: list[tuple[str, str]] = []


class Credential:
    """One security scheme's credential. Subclasses implement ``apply``."""

    def apply(self, target: RequestAuth) -> None:
        """Put the credential on the request being built."""
        raise NotImplementedError

    def secret_query_names(self) -> tuple[str, ...]:
        """Query parameters this credential fills, so logs can redact them."""
        return ()

    def prepare(self, client: httpx.Client) -> None:
        """Hook for credentials that need a network round trip first (sync)."""

    async def aprepare(self, client: httpx.AsyncClient) -> None:
        """Hook for credentials that need a network round trip first (async)."""


class BearerToken(Credential):
    """HTTP bearer: ``Authorization: Bearer <token>``."""

    def __init__(self, token: str) -> None:
        self.token = Secret(token)

    def apply(self, target: RequestAuth) -> None:
        target.headers["authorization"] = f"Bearer {self.token.reveal()}"

    def __repr__(self) -> str:
        return "BearerToken(token=Secret('**********'))"


class BasicCredential(Credential):
    """HTTP basic: ``Authorization: Basic base64(user:password)``."""

    def __init__(self, username: str, password: str) -> None:
        self.username = username
        self.password = Secret(password)

    def apply(self, target: RequestAuth) -> None:
        pair = f"{self.username}:{self.password.reveal()}".encode()
        target.headers["authorization"] = "Basic " + base64.b64encode(pair).decode()

    def __repr__(self) -> str:
        return f"BasicCredential(username={self.username!r}, password=Secret('**********'))"


class ApiKey(Credential):
    """An API key sent in a header, a query parameter or a cookie."""

    def __init__(
        self, value: str, *, location: Literal["header", "query", "cookie"], name: str
    ) -> None:
        self.value = Secret(value)
        self.location = location
        self.name = name

    def apply(self, target: RequestAuth) -> None:
        if self.location == "header":
            target.headers[self.name.lower()] = self.value.reveal()
        elif self.location == "query":
            target.query.append((self.name, self.value.reveal()))
        else:
            target.cookies.append((self.name, self.value.reveal()))

    def secret_query_names(self) -> tuple[str, ...]:
        return (self.name,) if self.location == "query" else ()

    def __repr__(self) -> str:
        return f"ApiKey(location={self.location!r}, name={self.name!r}, value=Secret('**********'))"


class OAuth2ClientCredentials(Credential):
    """OAuth2 client credentials: a token fetched from ``token_url``, cached, and fetched
    again shortly before it expires.

    The client authenticates to the token endpoint with HTTP basic (RFC 6749, 2.3.1) and
    asks for ``scopes`` when there are any. A token without ``expires_in`` is kept until the
    client is closed. Concurrent requests share one fetch.
    """

    # Fetch a new token when less than this share of its lifetime (at most a minute) is left,
    # so that a request never leaves with a token that expires on the way.
    REFRESH_SHARE = 0.1
    REFRESH_MAX = 60.0

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        token_url: str,
        scopes: Sequence[str] = (),
    ) -> None:
        self.client_id = client_id
        self.client_secret = Secret(client_secret)
        self.token_url = token_url
        self.scopes = tuple(scopes)
        self._token: Secret | None = None
        self._refresh_at = 0.0
        self._lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None

    def _fresh(self) -> bool:
        return self._token is not None and time.monotonic() < self._refresh_at

    def _token_request(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        form = {"grant_type": "client_credentials"}
        if self.scopes:
            form["scope"] = " ".join(self.scopes)
        pair = f"{self.client_id}:{self.client_secret.reveal()}".encode()
        return client.build_request(
            "POST",
            self.token_url,
            data=form,
            headers={
                "accept": "application/json",
                "authorization": "Basic " + base64.b64encode(pair).decode(),
            },
        )

    def _store(self, response: httpx.Response, fetched_at: float) -> None:
        """Keep the token of a read token response, or raise the error it reports."""
        if not response.is_success:
            raise status_error_class(response.status_code)(
                f"OAuth2 token request failed with status {response.status_code}",
                response=response,
                content=response.content,
            )
        try:
            data = json_value(response.content)
            token = data["access_token"]
            lifetime = data.get("expires_in")
            if not isinstance(token, str) or not token:
                raise ValueError("access_token is not a string")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # The body may hold secrets: say what is wrong, not what was sent.
            raise ApiResponseValidationError(
                "OAuth2 token response has no access_token",
                response=response,
                body=b"",
            ) from exc
        self._token = Secret(token)
        if isinstance(lifetime, (int, float)) and not isinstance(lifetime, bool):
            margin = min(self.REFRESH_MAX, float(lifetime) * self.REFRESH_SHARE)
            self._refresh_at = fetched_at + float(lifetime) - margin
        else:
            self._refresh_at = float("inf")

    def prepare(self, client: httpx.Client) -> None:
        with self._lock:
            if self._fresh():
                return
            fetched_at = time.monotonic()
            try:
                response = client.send(self._token_request(client))
            except httpx.HTTPError as exc:
                raise connection_error(exc) from exc
            self._store(response, fetched_at)

    async def aprepare(self, client: httpx.AsyncClient) -> None:
        if self._async_lock is None:
            import asyncio  # here: a synchronous client never pays for importing it

            self._async_lock = asyncio.Lock()
        async with self._async_lock:
            if self._fresh():
                return
            fetched_at = time.monotonic()
            try:
                response = await client.send(self._token_request(client))
            except httpx.HTTPError as exc:
                raise connection_error(exc) from exc
            self._store(response, fetched_at)

    def apply(self, target: RequestAuth) -> None:
        if self._token is None:
            raise RuntimeError("OAuth2 token not fetched: prepare() must run first")
        target.headers["authorization"] = f"Bearer {self._token.reveal()}"

    def __repr__(self) -> str:
        return (
            f"OAuth2ClientCredentials(client_id={self.client_id!r}, "
            f"client_secret=Secret('**********'), token_url={self.token_url!r})"
        )


def _given(value: str | None, env: str, keyword: str) -> str | None:
    """The explicit value, else the environment variable; empty counts as absent. A value
    that is no string (a pair given to a token's keyword) is a ``TypeError``."""
    if value is not None and not isinstance(value, str):
        raise TypeError(
            f"{keyword} takes a string, got {type(value).__name__}: "
            f"pass {keyword}='...'"
        )
    if value:
        return value
    return os.environ.get(env) or None


def bearer(
    value: str | None, *, env: str, keyword: str = "bearer"
) -> Credential | None:
    """A bearer token from ``value`` or the environment variable ``env``."""
    token = _given(value, env, keyword)
    return BearerToken(token) if token is not None else None


def _pair(
    value: object, keyword: str, first: str, second: str, *, also: str = ""
) -> tuple[str, str]:
    """``value`` as a pair of strings; anything else is a ``TypeError`` naming the expected
    form (``also`` names another one), never a credential made of a string's first two
    characters."""
    if (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(part, str) for part in value)
    ):
        return value[0], value[1]
    raise TypeError(
        f"{keyword} takes {also}a ({first}, {second}) pair of strings, "
        f"got {type(value).__name__}: pass {keyword}=({first!r}, {second!r})"
    )


def basic(
    value: tuple[str, str] | None, *, env: str, keyword: str = "basic"
) -> Credential | None:
    """Basic credentials from a ``(username, password)`` pair (``keyword`` is the client's
    name for it, for the error a string gets) or ``env`` as ``user:pass``."""
    if value is not None:
        return BasicCredential(*_pair(value, keyword, "username", "password"))
    raw = os.environ.get(env)
    if not raw:
        return None
    username, sep, password = raw.partition(":")
    if not sep:
        # Say where the problem is, never what the variable holds.
        raise ValueError(
            f"environment variable {env} must look like 'username:password'"
        )
    return BasicCredential(username, password)


def api_key(
    value: str | None,
    *,
    env: str,
    location: Literal["header", "query", "cookie"],
    name: str,
    keyword: str = "api_key",
) -> Credential | None:
    """An API key from ``value`` or ``env``, sent as ``name`` in ``location``."""
    key = _given(value, env, keyword)
    return ApiKey(key, location=location, name=name) if key is not None else None


def oauth2(
    value: str | tuple[str, str] | None,
    *,
    env: str,
    token_url: str = "",
    scopes: Sequence[str] = (),
    base_url: str = "",
    keyword: str = "oauth2",
) -> Credential | None:
    """An OAuth2 credential: a ``(client_id, client_secret)`` pair fetches tokens from
    ``token_url`` (client credentials flow; relative to ``base_url``); a string is an
    access token used as is; anything else is a ``TypeError`` naming ``keyword``.

    ``env`` holds either ``client_id:client_secret`` or an access token. Without a
    ``token_url`` (no client credentials flow in the document) only tokens are accepted.
    """
    if value is None:
        raw = os.environ.get(env) or None
        if raw is None:
            return None
        client_id, sep, secret = raw.partition(":")
        value = (client_id, secret) if sep and token_url else raw
    if not isinstance(value, str):
        client_id, secret = _pair(
            value, keyword, "client_id", "client_secret", also="an access token or "
        )
        if not token_url:
            raise ValueError(
                "this OAuth2 scheme has no client credentials flow: pass an access token"
            )
        if base_url and "://" not in token_url:
            token_url = str(httpx.URL(base_url.rstrip("/") + "/").join(token_url))
        return OAuth2ClientCredentials(
            client_id, secret, token_url=token_url, scopes=scopes
        )
    return BearerToken(value) if value else None

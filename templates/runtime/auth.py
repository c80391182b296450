"""Credentials: how each security scheme's secret is found and put on a request.

A credential never shows its secret in ``repr``/``str``. The generated client calls
one factory per security scheme (``bearer``, ``basic``, ``api_key``) with the value
the user passed and the environment variable to fall back to.

Extension point: a credential that must fetch a token first (OAuth2 client
credentials) overrides ``prepare``/``aprepare``, which the transport awaits before
``apply`` on every request that uses it.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import Literal

import httpx


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


@dataclass
class RequestAuth:
    """The parts of an outgoing request a credential may add to."""

    headers: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[tuple[str, str]] = field(default_factory=list)


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


def _given(value: str | None, env: str) -> str | None:
    """The explicit value, else the environment variable; empty counts as absent."""
    if value:
        return value
    return os.environ.get(env) or None


def bearer(value: str | None, *, env: str) -> Credential | None:
    """A bearer token from ``value`` or the environment variable ``env``."""
    token = _given(value, env)
    return BearerToken(token) if token is not None else None


def basic(value: tuple[str, str] | None, *, env: str) -> Credential | None:
    """Basic credentials from a ``(username, password)`` tuple or ``env`` as ``user:pass``."""
    if value is not None:
        return BasicCredential(value[0], value[1])
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
) -> Credential | None:
    """An API key from ``value`` or ``env``, sent as ``name`` in ``location``."""
    key = _given(value, env)
    return ApiKey(key, location=location, name=name) if key is not None else None

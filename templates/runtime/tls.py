"""The TLS context of an HTTP client the transport makes itself: httpx's own, made at the
first TLS handshake. Making it reads a CA bundle (about 20 ms, a tenth of a script's cold
start), which a client that only talks to an ``http://`` server never needs.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    import socket


class DeferredContext(ssl.SSLContext):
    """Stands in for ``make()`` (httpx's default context) until a handshake needs it: every
    handshake is done by that context, made once, with the ALPN protocols httpcore set here.
    The environment (``SSL_CERT_FILE``, ``SSL_CERT_DIR``) is read when it is made.

    For synchronous clients only: anyio runs an SSLContext subclass's ``wrap_bio`` in a
    worker thread, so an async client keeps httpx's context as it is.
    """

    def __new__(
        cls, make: Callable[[], ssl.SSLContext] = httpx.create_ssl_context
    ) -> DeferredContext:
        return super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)

    def __init__(
        self, make: Callable[[], ssl.SSLContext] = httpx.create_ssl_context
    ) -> None:
        self._make = make
        self._made: ssl.SSLContext | None = None
        self._alpn: list[str] | None = None
        self._lock = threading.Lock()

    def set_alpn_protocols(self, alpn_protocols: Iterable[str]) -> None:
        self._alpn = list(alpn_protocols)

    def _context(self) -> ssl.SSLContext:
        with self._lock:
            if self._made is None:
                self._made = self._make()
            if self._alpn is not None:
                self._made.set_alpn_protocols(self._alpn)
            return self._made

    def wrap_socket(
        self,
        sock: socket.socket,
        server_side: bool = False,
        do_handshake_on_connect: bool = True,
        suppress_ragged_eofs: bool = True,
        server_hostname: str | bytes | None = None,
        session: ssl.SSLSession | None = None,
    ) -> ssl.SSLSocket:
        return self._context().wrap_socket(
            sock,
            server_side=server_side,
            do_handshake_on_connect=do_handshake_on_connect,
            suppress_ragged_eofs=suppress_ragged_eofs,
            server_hostname=server_hostname,
            session=session,
        )

    def wrap_bio(
        self,
        incoming: ssl.MemoryBIO,
        outgoing: ssl.MemoryBIO,
        server_side: bool = False,
        server_hostname: str | bytes | None = None,
        session: ssl.SSLSession | None = None,
    ) -> ssl.SSLObject:
        return self._context().wrap_bio(
            incoming,
            outgoing,
            server_side=server_side,
            server_hostname=server_hostname,
            session=session,
        )

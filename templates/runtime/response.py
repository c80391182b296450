"""Responses handed to the caller as they are: ``with_raw_response`` (read, parse on
demand) and ``with_streaming_response`` (unread, a context manager that closes it).
"""

from __future__ import annotations

from typing import AsyncIterator, Awaitable, Callable, Generic, Iterator, TypeVar

import httpx
from typing_extensions import Self

from .errors import connection_error, request_id_of
from .limits import DEFAULT_MAX_RESPONSE_BYTES, aread_body, read_body

T = TypeVar("T")

Parser = Callable[[httpx.Response], T]


class _Unparsed:
    """Marks a parse result that is not computed yet (``None`` is a valid result)."""


class RawResponse(Generic[T]):
    """A read success response: status, headers and bytes, and ``parse()`` for the model."""

    def __init__(
        self,
        http_response: httpx.Response,
        parse: Parser[T],
        request_id_header: str | None = None,
    ) -> None:
        self.http_response = http_response
        self._parse = parse
        self._parsed: T | _Unparsed = _Unparsed()
        self._request_id_header = request_id_header

    @property
    def request_id(self) -> str | None:
        """The server's request id (``x-request-id``, ``request-id`` or the configured
        header), for a support ticket."""
        return request_id_of(self.http_response.headers, self._request_id_header)

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def parse(self) -> T:
        """The value the normal method returns; parsed once, then cached."""
        if isinstance(self._parsed, _Unparsed):
            self._parsed = self._parse(self.http_response)
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}]>"


class StreamedResponse(Generic[T]):
    """An unread success response for large downloads; closes on ``with`` exit.

    ``iter_bytes()`` has no size limit; ``read()`` and ``parse()``, which hold the whole
    body, stop past ``max_response_bytes``.
    """

    def __init__(
        self,
        http_response: httpx.Response,
        parse: Parser[T],
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        *,
        request_id_header: str | None = None,
    ) -> None:
        self.http_response = http_response
        self._parse = parse
        self._max_bytes = max_response_bytes
        self._request_id_header = request_id_header

    @property
    def request_id(self) -> str | None:
        """The server's request id, as ``RawResponse.request_id``."""
        return request_id_of(self.http_response.headers, self._request_id_header)

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in chunks, decompressed, without holding all of it."""
        try:
            yield from self.http_response.iter_bytes(chunk_size)
        except httpx.TransportError as exc:
            raise connection_error(exc) from exc

    def read(self) -> bytes:
        """The whole body."""
        if self.http_response.is_stream_consumed:
            return self.http_response.content  # a second read() gets the same bytes
        try:
            return read_body(self.http_response, self._max_bytes)
        except httpx.TransportError as exc:
            raise connection_error(exc) from exc

    def parse(self) -> T:
        """Read the body and parse it as the normal method would."""
        self.read()
        return self._parse(self.http_response)

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<StreamedResponse [{self.status_code}]>"


class AsyncStreamedResponse(Generic[T]):
    """The async twin of ``StreamedResponse``.

    Either given an open response, or an ``opener`` it awaits on ``async with`` entry,
    so that a plain ``def`` can return one for ``async with method(...) as r``.
    """

    def __init__(
        self,
        http_response: httpx.Response | None,
        parse: Parser[T],
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        *,
        opener: Callable[[], Awaitable[httpx.Response]] | None = None,
        request_id_header: str | None = None,
    ) -> None:
        self._response = http_response
        self._parse = parse
        self._max_bytes = max_response_bytes
        self._opener = opener
        self._request_id_header = request_id_header

    async def open(self) -> Self:
        """Send the request if that has not happened yet."""
        if self._response is None:
            if self._opener is None:
                raise RuntimeError(
                    "AsyncStreamedResponse has neither response nor opener"
                )
            self._response = await self._opener()
        return self

    @property
    def http_response(self) -> httpx.Response:
        if self._response is None:
            raise RuntimeError("use 'async with' (or await open()) before reading")
        return self._response

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's request id, as ``RawResponse.request_id``."""
        return request_id_of(self.http_response.headers, self._request_id_header)

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body in chunks, decompressed, without holding all of it."""
        try:
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.TransportError as exc:
            raise connection_error(exc) from exc

    async def read(self) -> bytes:
        """The whole body."""
        if self.http_response.is_stream_consumed:
            return self.http_response.content  # a second read() gets the same bytes
        try:
            return await aread_body(self.http_response, self._max_bytes)
        except httpx.TransportError as exc:
            raise connection_error(exc) from exc

    async def parse(self) -> T:
        """Read the body and parse it as the normal method would."""
        await self.read()
        return self._parse(self.http_response)

    async def close(self) -> None:
        if self._response is not None:
            await self._response.aclose()

    async def __aenter__(self) -> Self:
        return await self.open()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        status = (
            self._response.status_code if self._response is not None else "unopened"
        )
        return f"<AsyncStreamedResponse [{status}]>"

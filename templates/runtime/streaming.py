"""Typed iteration over a Server-Sent Events response: ``Stream`` and ``AsyncStream``.

Each event's data becomes one item: ``[DONE]`` ends the stream, an ``error`` event or
a JSON object with a top-level ``"error"`` raises ``StreamError``, anything else is
decoded into the item type. Both close the response on exhaustion, ``break``,
``close()`` and context-manager exit. ``AsyncStream`` sends its request on first use,
so a plain ``def`` can return it for ``async for`` without ``await``.
"""

from __future__ import annotations

from typing import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Generic,
    Iterator,
    Protocol,
    TypeVar,
)

import httpx
from typing_extensions import Self

from .errors import (
    ApiConnectionError,
    ApiResponseValidationError,
    StreamError,
    connection_error,
    request_id_of,
)
from .limits import DEFAULT_MAX_EVENT_BYTES
from .models import json_value
from .sse import ServerSentEvent, SSEDecoder

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class ItemReader(Protocol[T_co]):
    """Bytes to items, for one response: ``feed`` each chunk, ``finish`` at the end of the
    body; ``done`` once the stream said it is over."""

    @property
    def done(self) -> bool: ...

    def feed(self, chunk: bytes) -> Iterator[T_co]: ...

    def finish(self) -> Iterator[T_co]: ...


#: Makes the reader of a response; by default its events' data are the items.
ReaderFactory = Callable[[httpx.Response], ItemReader[T]]


def _error_in(event: ServerSentEvent) -> StreamError | None:
    """The StreamError an event reports, if it reports one."""
    if event.event == "error":
        try:
            data: object = json_value(event.data)
        except ValueError:
            data = event.data
        return StreamError(data=data, event=event.event)
    # A cheap test first: most chunks never mention an error.
    if '"error"' not in event.data:
        return None
    try:
        parsed = json_value(event.data)
    except ValueError:
        return None
    if isinstance(parsed, dict) and parsed.get("error") is not None:
        return StreamError(data=parsed, event=event.event)
    return None


class _EventReader(Generic[T]):
    """Bytes to items; shared by the sync and async streams."""

    def __init__(
        self,
        response: httpx.Response,
        decode: Callable[[str], T],
        max_event_bytes: int | None,
    ) -> None:
        self._response = response
        self._decode = decode
        self._decoder = SSEDecoder(max_event_bytes)
        self.done = False

    def feed(self, chunk: bytes) -> Iterator[T]:
        """The items a chunk completes, stopping at ``[DONE]``."""
        for event in self._decoder.feed(chunk):
            if event.data == "[DONE]":
                self.done = True
                return
            error = _error_in(event)
            if error is not None:
                raise error
            if not event.data:
                continue  # e.g. a named event with an empty data line
            try:
                item = self._decode(event.data)
            except ValueError as exc:  # pydantic's ValidationError or bad JSON
                raise ApiResponseValidationError(
                    response=self._response, body=event.data.encode()
                ) from exc
            yield item

    def finish(self) -> Iterator[T]:
        """At the end of the body: a half-received event means the stream was cut."""
        if not self.done and self._decoder.pending:
            raise ApiConnectionError(
                "Connection error (the stream ended in the middle of an event)."
            )
        return iter(())


class Stream(Generic[T]):
    """Items of a streamed response; iterate it, ideally inside ``with``."""

    def __init__(
        self,
        response: httpx.Response,
        decode: Callable[[str], T],
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
        reader: ReaderFactory[T] | None = None,
        *,
        request_id_header: str | None = None,
    ) -> None:
        self.response = response
        self._request_id_header = request_id_header
        made = (
            reader(response)
            if reader
            else _EventReader(response, decode, max_event_bytes)
        )
        self._items = self._iterate(made)

    @property
    def request_id(self) -> str | None:
        """The server's request id, as ``RawResponse.request_id``."""
        return request_id_of(self.response.headers, self._request_id_header)

    def _iterate(self, reader: ItemReader[T]) -> Generator[T, None, None]:
        try:
            for chunk in self.response.iter_bytes():
                yield from reader.feed(chunk)
                if reader.done:
                    return
            yield from reader.finish()
        except httpx.TransportError as exc:
            raise connection_error(exc) from exc
        finally:
            self.response.close()

    def __next__(self) -> T:
        return next(self._items)

    def __iter__(self) -> Iterator[T]:
        # A fresh generator per loop, so that leaving the loop early closes the stream.
        try:
            yield from self._items
        finally:
            self.close()

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._items.close()
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncStream(Generic[T]):
    """The async twin of ``Stream``; the request is sent on first iteration or entry."""

    def __init__(
        self,
        opener: Callable[[], Awaitable[httpx.Response]],
        decode: Callable[[str], T],
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
        reader: ReaderFactory[T] | None = None,
        *,
        request_id_header: str | None = None,
    ) -> None:
        self._opener: Callable[[], Awaitable[httpx.Response]] | None = opener
        self._request_id_header = request_id_header
        self._decode = decode
        self._max_event_bytes = max_event_bytes
        self._reader = reader
        self._response: httpx.Response | None = None
        self._items: AsyncGenerator[T, None] | None = None
        self._closed = False

    @property
    def response(self) -> httpx.Response:
        """The HTTP response, once the stream has been opened."""
        if self._response is None:
            raise RuntimeError(
                "the stream is not open yet: iterate it or use 'async with'"
            )
        return self._response

    @property
    def request_id(self) -> str | None:
        """The server's request id, once the stream has been opened."""
        return request_id_of(self.response.headers, self._request_id_header)

    async def open(self) -> Self:
        """Send the request (with retries); status errors are raised here."""
        if self._closed:
            raise RuntimeError("the stream is closed")
        if self._response is None and self._opener is not None:
            opener, self._opener = self._opener, None
            self._response = await opener()
        return self

    async def _iterate(self) -> AsyncGenerator[T, None]:
        await self.open()
        response = self.response
        reader: ItemReader[T] = (
            self._reader(response)
            if self._reader
            else _EventReader(response, self._decode, self._max_event_bytes)
        )
        try:
            async for chunk in response.aiter_bytes():
                for item in reader.feed(chunk):
                    yield item
                if reader.done:
                    return
            for item in reader.finish():
                yield item
        except httpx.TransportError as exc:
            raise connection_error(exc) from exc
        finally:
            await response.aclose()

    async def __anext__(self) -> T:
        if self._closed:
            raise StopAsyncIteration
        if self._items is None:
            self._items = self._iterate()
        return await self._items.__anext__()

    async def _closing(self) -> AsyncIterator[T]:
        try:
            while True:
                try:
                    item = await self.__anext__()
                except StopAsyncIteration:
                    return
                yield item
        finally:
            await self.close()

    def __aiter__(self) -> AsyncIterator[T]:
        # A fresh generator per loop, so that leaving the loop early closes the stream.
        return self._closing()

    async def close(self) -> None:
        """Stop reading and release the connection."""
        self._closed = True
        self._opener = None
        if self._items is not None:
            items, self._items = self._items, None
            await items.aclose()
        if self._response is not None:
            await self._response.aclose()

    async def __aenter__(self) -> Self:
        return await self.open()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

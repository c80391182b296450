"""The client's bounds on time and size, and reading a response within them.

A number as timeout bounds each attempt as a whole when the body is read whole (a
``Deadline``), and each read of a stream; an ``httpx.Timeout`` keeps httpx's per-phase
meaning. A body read whole stops at ``max_response_bytes`` after decompression; every
body is handed to httpx's decoder in small pieces when it is compressed, so that one
piece cannot inflate to much more than the limit.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping
from typing import TypeVar

import httpx

from ._types import Timeout
from .errors import ResponseTooLargeError

T = TypeVar("T")

DEFAULT_TIMEOUT = 600.0
"""Seconds an attempt may take, from connecting to the last byte of its body."""
CONNECT_TIMEOUT = 5.0
"""Seconds to connect, when the timeout is a number (at most that number)."""
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024
"""The largest body read whole, after decompression: large JSON lists and downloads
through the plain method fit; larger downloads belong to ``with_streaming_response``."""
DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024
"""The largest single event of a stream (an SSE event, a JSON Lines line, a JSON text
sequence record): room for an event carrying a base64 image."""

# Bytes of a compressed body given to the decoder at a time: gzip inflates 1 KiB to at
# most about 1 MiB, zstd to 32 MiB.
_COMPRESSED_PIECE = 1024
# The smallest timeout handed to httpx: zero would make its sockets non-blocking.
_LEAST_WAIT = 0.001


class Deadline:
    """The moment one attempt must be over by."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left, negative once passed."""
        return self._end - time.monotonic()

    def check(self) -> None:
        """Raise the timeout once the deadline has passed."""
        if self.left() <= 0:
            raise self.expired()

    def expired(self) -> httpx.TimeoutException:
        """httpx's kind of timeout, so that the retry loop treats both alike."""
        return httpx.TimeoutException(
            f"the response took longer than the timeout of {self.seconds:g} s"
        )


class _PhaseTimeouts(Mapping[str, "float | None"]):
    """httpx's per-phase timeouts of one attempt, each cut to the time left.

    httpcore reads a request's timeouts as each phase starts (waiting for a pooled
    connection, connecting, writing, reading the headers, reading the body), so a phase
    that starts late gets only what is left of the attempt.
    """

    def __init__(self, phases: Mapping[str, float | None], deadline: Deadline) -> None:
        self._phases = dict(phases)
        self._deadline = deadline

    def __getitem__(self, phase: str) -> float | None:
        value = self._phases[phase]
        left = max(self._deadline.left(), _LEAST_WAIT)
        return left if value is None else min(value, left)

    def __iter__(self) -> Iterator[str]:
        return iter(self._phases)

    def __len__(self) -> int:
        return len(self._phases)


def plan_timeout(
    timeout: Timeout, connect: float = CONNECT_TIMEOUT
) -> tuple[httpx.Timeout, float | None]:
    """httpx's per-phase timeouts for a call, and the seconds of a deadline (None: none).

    A number bounds each read and, for a body read whole, the attempt; connecting gets
    at most ``connect`` seconds of it. An ``httpx.Timeout`` or None is httpx's own.
    """
    if isinstance(timeout, (int, float)):
        return httpx.Timeout(timeout, connect=min(timeout, connect)), timeout
    return httpx.Timeout(timeout), None


def deadline_after(seconds: float | None) -> Deadline | None:
    return None if seconds is None else Deadline(seconds)


def start_attempt(
    request: httpx.Request, phases: httpx.Timeout, seconds: float | None
) -> Deadline | None:
    """A fresh deadline for one attempt (each retry gets its own), set on the request."""
    deadline = deadline_after(seconds)
    if deadline is None:
        request.extensions["timeout"] = phases.as_dict()
    else:
        request.extensions["timeout"] = _PhaseTimeouts(phases.as_dict(), deadline)
    return deadline


async def within(deadline: Deadline | None, work: Awaitable[T]) -> T:
    """Await ``work``, cancelling it at the deadline (asyncio can stop a read midway)."""
    if deadline is None:
        return await work
    import asyncio  # here: a synchronous client never pays for importing it

    try:
        return await asyncio.wait_for(work, max(deadline.left(), 0))
    except asyncio.TimeoutError:
        raise deadline.expired() from None


def _pieces(chunk: bytes, size: int | None) -> Iterator[bytes]:
    if size is None or len(chunk) <= size:
        yield chunk
    else:
        for start in range(0, len(chunk), size):
            yield chunk[start : start + size]


class _GuardedStream(httpx.SyncByteStream):
    def __init__(
        self, stream: httpx.SyncByteStream, deadline: Deadline | None, piece: int | None
    ) -> None:
        self._stream = stream
        self._deadline = deadline
        self._piece = piece

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            for piece in _pieces(chunk, self._piece):
                if self._deadline is not None:
                    self._deadline.check()
                yield piece

    def close(self) -> None:
        self._stream.close()


class _AsyncGuardedStream(httpx.AsyncByteStream):
    def __init__(
        self,
        stream: httpx.AsyncByteStream,
        deadline: Deadline | None,
        piece: int | None,
    ) -> None:
        self._stream = stream
        self._deadline = deadline
        self._piece = piece

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            for piece in _pieces(chunk, self._piece):
                if self._deadline is not None:
                    self._deadline.check()
                yield piece

    async def aclose(self) -> None:
        await self._stream.aclose()


def guard(response: httpx.Response, deadline: Deadline | None) -> None:
    """Make an unread response's body stop at the deadline, and reach httpx's decoder in
    small pieces when it is compressed."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    piece = _COMPRESSED_PIECE if encoding not in ("", "identity") else None
    if deadline is None and piece is None:
        return
    if isinstance(response.stream, httpx.SyncByteStream):
        response.stream = _GuardedStream(response.stream, deadline, piece)
    elif isinstance(response.stream, httpx.AsyncByteStream):
        response.stream = _AsyncGuardedStream(response.stream, deadline, piece)


def _too_large(response: httpx.Response, limit: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"The response body of status {response.status_code}",
        limit=limit,
        option="max_response_bytes",
        response=response,
    )


def _keep(response: httpx.Response, chunks: list[bytes]) -> bytes:
    # httpx has no public way to hand a response the body read from it in pieces; its
    # own read() keeps the body in ``_content``, in every httpx the client supports.
    body = b"".join(chunks)
    response._content = body
    return body


def read_body(response: httpx.Response, max_bytes: int | None) -> bytes:
    """Read a guarded response whole, decompressed, stopping past ``max_bytes``.

    The response is closed either way; its ``content`` is the body afterwards.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise _too_large(response, max_bytes)
            chunks.append(chunk)
    finally:
        response.close()
    return _keep(response, chunks)


async def aread_body(response: httpx.Response, max_bytes: int | None) -> bytes:
    """The async twin of ``read_body``."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise _too_large(response, max_bytes)
            chunks.append(chunk)
    finally:
        await response.aclose()
    return _keep(response, chunks)

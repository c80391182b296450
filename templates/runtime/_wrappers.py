"""Typed views of API methods for ``with_raw_response`` and ``with_streaming_response``.

The API object behind a view runs in "raw" or "streaming" mode, so at run time the method
already returns the right object; these functions only tell the type checker so, keeping every
parameter of the wrapped method (overloads included).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar, cast

from typing_extensions import ParamSpec

from .response import AsyncStreamedResponse, RawResponse, StreamedResponse

P = ParamSpec("P")
R = TypeVar("R")


def to_raw_response(method: Callable[P, R]) -> Callable[P, RawResponse[R]]:
    return cast("Callable[P, RawResponse[R]]", method)


def to_async_raw_response(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[RawResponse[R]]]:
    return cast("Callable[P, Awaitable[RawResponse[R]]]", method)


def to_streamed_response(method: Callable[P, R]) -> Callable[P, StreamedResponse[R]]:
    return cast("Callable[P, StreamedResponse[R]]", method)


def to_async_streamed_response(
    method: (
        Callable[P, Awaitable[AsyncStreamedResponse[R]]] | Callable[P, Awaitable[R]]
    ),
) -> Callable[P, AsyncStreamedResponseContext[R]]:
    """Async streaming views are entered with ``async with``, without ``await``."""

    def call(*args: P.args, **kwargs: P.kwargs) -> AsyncStreamedResponseContext[R]:
        return AsyncStreamedResponseContext(cast(Any, method(*args, **kwargs)))

    return call


class AsyncStreamedResponseContext(Generic[R]):
    """Awaits the request on entry and closes the response on exit."""

    def __init__(self, pending: Awaitable[AsyncStreamedResponse[R]]) -> None:
        self._pending = pending
        self._response: AsyncStreamedResponse[R] | None = None

    async def __aenter__(self) -> AsyncStreamedResponse[R]:
        self._response = await self._pending
        return await self._response.__aenter__()

    async def __aexit__(self, *exc_info: object) -> None:
        if self._response is not None:
            await self._response.__aexit__(*exc_info)

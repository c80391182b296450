"""The exceptions a generated client raises, and the choice of class for an HTTP status.

Messages carry the status and an excerpt of the response body; they never carry
request headers, so credentials cannot leak through an error.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import httpx

_EXCERPT_LIMIT = 500


def _excerpt(body: bytes) -> str:
    """A short, printable view of a response body for an error message."""
    text = body.decode("utf-8", errors="replace").strip()
    if len(text) > _EXCERPT_LIMIT:
        return text[:_EXCERPT_LIMIT] + "..."
    return text


class ApiError(Exception):
    """Base of every error the client raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiConnectionError(ApiError):
    """The request did not get a response: connection refused, reset or cut short."""

    def __init__(self, message: str = "Connection error.") -> None:
        super().__init__(message)


class ApiTimeoutError(ApiConnectionError):
    """The request timed out (after any retries)."""

    def __init__(self, message: str = "Request timed out.") -> None:
        super().__init__(message)


class ApiStatusError(ApiError):
    """The server answered with a status that is not a success."""

    def __init__(
        self,
        message: str | None = None,
        *,
        response: httpx.Response,
        body: bytes,
        parsed: object = None,
    ) -> None:
        if message is None:
            message = f"Error code: {response.status_code} - {_excerpt(body)}"
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.headers: httpx.Headers = response.headers
        self.body = body
        # The declared error model, else the JSON value, else None.
        self.parsed = parsed


class BadRequestError(ApiStatusError):
    """400."""


class AuthenticationError(ApiStatusError):
    """401."""


class PermissionDeniedError(ApiStatusError):
    """403."""


class NotFoundError(ApiStatusError):
    """404."""


class ConflictError(ApiStatusError):
    """409."""


class UnprocessableEntityError(ApiStatusError):
    """422."""


class RateLimitError(ApiStatusError):
    """429."""


class InternalServerError(ApiStatusError):
    """500 and above."""


def status_error_class(status_code: int) -> type[ApiStatusError]:
    """The most specific error class for a non-success status."""
    match status_code:
        case 400:
            return BadRequestError
        case 401:
            return AuthenticationError
        case 403:
            return PermissionDeniedError
        case 404:
            return NotFoundError
        case 409:
            return ConflictError
        case 422:
            return UnprocessableEntityError
        case 429:
            return RateLimitError
    if status_code >= 500:
        return InternalServerError
    return ApiStatusError


class ApiResponseValidationError(ApiError):
    """A success response whose body is not valid JSON or does not fit its declared model.

    The pydantic or JSON error is chained as ``__cause__``.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        response: httpx.Response,
        body: bytes,
    ) -> None:
        if message is None:
            message = (
                f"Response body of status {response.status_code} does not fit"
                f" the declared type - {_excerpt(body)}"
            )
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.body = body


class StreamError(ApiError):
    """The server reported an error inside a Server-Sent Events stream."""

    def __init__(self, message: str | None = None, *, data: object, event: str) -> None:
        if message is None:
            message = f"Error event in stream: {_describe(data)}"
        super().__init__(message)
        self.data = data
        self.event = event


def _describe(data: object) -> str:
    """The error's own message when the data has the usual ``{"error": {"message"}}`` shape."""
    if isinstance(data, Mapping):
        error = data.get("error", data)
        if isinstance(error, Mapping) and isinstance(error.get("message"), str):
            return str(error["message"])
    try:
        return _excerpt(str(data).encode())
    except RecursionError:  # nested close to Python's limit: too deep to print
        return "(a value nested too deeply to show)"


class ResponseTooLargeError(ApiError):
    """A response body read whole, or one event of a stream, is larger than the client
    allows (``max_response_bytes``, ``max_event_bytes``); reading stopped there.

    ``limit`` is the limit in bytes, ``option`` the client option that sets it and
    ``response`` the HTTP response it came in, when known.
    """

    def __init__(
        self,
        what: str,
        *,
        limit: int,
        option: str,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(
            f"{what} is larger than the limit of {limit} bytes (the client's {option})."
        )
        self.limit = limit
        self.option = option
        self.response = response


class MissingCredentialError(ApiError):
    """The operation needs credentials that the client was not given.

    ``alternatives`` are the spec's security requirements (each a tuple of scheme
    names); ``hints`` say, per scheme, which keyword or environment variable sets it.
    """

    def __init__(
        self,
        alternatives: Sequence[Sequence[str]],
        hints: Mapping[str, str],
    ) -> None:
        self.alternatives = tuple(tuple(alt) for alt in alternatives)
        choices = [
            " and ".join(
                f"{name} ({hints.get(name, 'not configured')})" for name in alt
            )
            for alt in self.alternatives
        ]
        if len(choices) == 1:
            needed = choices[0]
        else:
            needed = "one of: " + "; or ".join(choices)
        super().__init__(f"This operation needs credentials: {needed}.")


def connection_error(exc: httpx.HTTPError) -> ApiConnectionError:
    """The client's error for an httpx failure to get or read a response.

    The httpx message is kept for network and server-side protocol failures ("connection
    refused", "incomplete chunked read"); other messages can quote request headers
    (an illegal header value), so only the exception's kind is named.
    """
    if isinstance(
        exc, (httpx.NetworkError, httpx.TimeoutException, httpx.RemoteProtocolError)
    ):
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    else:
        detail = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return ApiTimeoutError(f"Request timed out ({detail}).")
    return ApiConnectionError(f"Connection error ({detail}).")

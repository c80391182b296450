"""The exceptions a generated client raises, and the choice of class for an HTTP status.

Messages carry the status and an excerpt of the response body; they never carry
request headers, so credentials cannot leak through an error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

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
    """The server answered with a status that is not a success.

    ``message`` is what the error body says (its ``error.message``, ``message``, ``detail``,
    ``title``..., else an excerpt of its text); ``body`` the body's JSON value (its text when
    it is not JSON, None when empty) and ``content`` its bytes; ``parsed`` the declared error
    model, else the JSON value, else None; ``request_id`` the server's request id, for a
    support ticket. ``str(err)`` reads ``Error code: 404 - No such file (request id req_1)``.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        response: httpx.Response,
        content: bytes,
        parsed: object = None,
        request_id: str | None = None,
    ) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers: httpx.Headers = response.headers
        self.content = content
        self.body = _body_value(content)
        # The declared error model, else the JSON value, else None.
        self.parsed = parsed
        self.request_id = request_id
        if message is None:
            detail = error_message(self.body) or _excerpt(content)
            text = f"Error code: {response.status_code}"
            if detail:
                text += f" - {detail}"
            if request_id:
                text += f" (request id {request_id})"
        else:
            detail = text = message
        super().__init__(text)
        self.message = detail


REQUEST_ID_HEADERS = ("x-request-id", "request-id")


def request_id_of(headers: httpx.Headers, header: str | None = None) -> str | None:
    """The request id a response carries: in ``header`` (a setting names it), else in
    ``x-request-id`` or ``request-id``."""
    for name in (header, *REQUEST_ID_HEADERS):
        if name and headers.get(name):
            return str(headers[name])
    return None


def _body_value(content: bytes) -> object:
    """An error body's JSON value; its text when it is not JSON; None when empty."""
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return content.decode("utf-8", errors="replace")


_MESSAGE_KEYS = ("message", "detail", "title", "error_description", "description")


def error_message(value: object) -> str | None:
    """The human message of an error body's JSON value, in the shapes APIs use:
    ``{"error": {"message"}}`` (OpenAI, Stripe, Google), ``{"message"}``, ``{"detail"}``
    (FastAPI, also its list of ``{"msg"}``), ``{"title"}`` (RFC 9457 problem details),
    ``{"error", "error_description"}`` (OAuth2), ``{"errors": [{"message"}]}``."""
    if not isinstance(value, Mapping):
        return None
    error = value.get("error")
    if isinstance(error, Mapping):
        found = error_message(error)
        if found:
            return found
    for key in _MESSAGE_KEYS:
        found = _text_of(value.get(key))
        if found:
            return found
    if isinstance(error, str) and error:
        return error
    errors = value.get("errors")
    if isinstance(errors, list) and errors:
        return error_message(errors[0]) or _text_of(errors[0])
    return None


def _text_of(value: object) -> str | None:
    """A message value as text: a string, or a list of FastAPI-style ``{"msg"}`` items."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        parts = [
            str(item["msg"])
            for item in value
            if isinstance(item, Mapping) and isinstance(item.get("msg"), str)
        ]
        return "; ".join(parts) or None
    return None


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

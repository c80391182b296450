"""The transport generated code calls: one ``Call`` in, a parsed value, a raw or
streamed response, or a stream of items out.

It builds the httpx request (parameters, body, credentials, headers), sends it with
retries and backoff, turns failures into the client's errors and parses the body
into the declared type. The sync and async transports share every step but the
send loop itself.
"""

from __future__ import annotations

import copy
import datetime
import email.utils
import logging
import platform
import random
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from urllib.parse import quote, unquote

import httpx
from typing_extensions import Self

from ._types import NOT_GIVEN, Body, Headers, NotGiven, Query, Timeout
from .auth import Credential, RequestAuth
from .errors import (
    ApiResponseValidationError,
    ApiStatusError,
    MissingCredentialError,
    connection_error,
    request_id_of,
    status_error_class,
)
from .limits import (
    CONNECT_TIMEOUT,
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    Deadline,
    aread_body,
    deadline_after,
    guard,
    plan_timeout,
    read_body,
    start_attempt,
    within,
)
from .lenient import build_leniently
from .logs import enable_from_env, package_logger
from .models import JsonDecoder, is_model_class, json_value
from .pagination import AsyncPage, NextPage, Pages, SyncPage
from .params import (
    check_header,
    cookie_header,
    cookie_pairs,
    default_explode,
    default_style,
    expand_path,
    header_value,
    join_query,
    path_value,
    query_pairs,
)
from .response import AsyncStreamedResponse, RawResponse, StreamedResponse
from .serialize import encode_body, encode_querystring
from .tls import DeferredContext

if TYPE_CHECKING:  # loaded by the first stream or sequence: most calls need neither
    from .streaming import AsyncStream, ReaderFactory, Stream

_log = package_logger(__name__)

INITIAL_RETRY_WAIT = 0.5
MAX_RETRY_WAIT = 8.0
MAX_SERVER_WAIT = 60.0  # a longer Retry-After is not honoured: we use our backoff
DEFAULT_USER_AGENT = "oapigen-client"
PARSED_URLS = 256  # URLs a transport keeps parsed; most clients call a few endpoints


class Param(NamedTuple):
    """One operation parameter; a NOT_GIVEN value is left out entirely."""

    location: Literal["path", "query", "querystring", "header", "cookie"]
    name: str  # wire name
    value: object
    style: str | None = None  # None -> the location's default
    explode: bool | None = None  # None -> the style's default
    allow_reserved: bool = False
    array_format: str | None = None  # deepObject arrays; None -> the call's
    # querystring (the whole query string): its media type and form encoding
    content_type: str | None = None
    encoding: Mapping[str, Mapping[str, object]] | None = None


class ResponseType(NamedTuple):
    """One declared response of an operation."""

    status: str  # "200", "2XX", "default"
    # events, jsonl, json-seq: a sequence (OpenAPI 3.2 itemSchema), read whole as a list
    kind: Literal[
        "json", "text", "binary", "empty", "sse", "events", "jsonl", "json-seq"
    ]
    type: object = None  # what JSON is parsed into; None -> the JSON value as is
    media_type: str | None = None  # the declared Content-Type, for Accept


BodyKind = Literal["json", "form", "multipart", "binary", "text"]


class Call(NamedTuple):
    """Everything the transport needs to make one operation's request."""

    method: str
    path: str  # "/chat/completions/{completion_id}", or an absolute URL (a next-page link)
    params: Sequence[Param] = ()
    body: object = NOT_GIVEN  # top-level NOT_GIVEN mapping values are stripped
    body_kind: BodyKind = "json"
    content_type: str | None = None  # request Content-Type; default per body_kind
    # The media types the caller may choose among with content_type=, and their kinds.
    media_kinds: Sequence[tuple[str, BodyKind]] = ()
    encoding: Mapping[str, Mapping[str, object]] | None = None  # form/multipart
    security: tuple[tuple[str, ...], ...] = ()  # alternatives; () or () inside: no auth
    responses: Sequence[ResponseType] = ()
    accept: str | None = None
    extra_headers: Headers | None = None
    extra_query: Query | None = None
    extra_body: Body | None = None  # merged into an object body's top level
    timeout: Timeout | NotGiven = NOT_GIVEN
    base_url: str | None = None  # a path- or operation-level server
    # deepObject and form arrays: "indices" (a[0]=x), "brackets" (a[]=x) or "repeat" (a=x)
    array_format: str = "indices"
    # the header parameter that carries an idempotency key: see with_idempotency_key
    idempotency_header: str | None = None
    # NOT_GIVEN: the client's settings
    strict_response_validation: bool | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN


Mode = Literal["parsed", "raw", "streaming"]


def _resolve_timeout(
    timeout: Timeout | NotGiven,
    http_client: httpx.Client | httpx.AsyncClient | None,
    default: float,
) -> Timeout:
    """The given timeout, else the given client's own unless left at httpx's 5 s default,
    else the default (600 s, or the document's setting)."""
    if not isinstance(timeout, NotGiven):
        return timeout
    if http_client is not None and http_client.timeout != httpx.Timeout(5.0):
        return http_client.timeout
    return default


def select_credentials(
    security: tuple[tuple[str, ...], ...],
    credentials: Mapping[str, Credential | None],
    hints: Mapping[str, str],
) -> tuple[Credential, ...]:
    """The credentials of the first satisfied security alternative.

    An alternative with credentials wins over an empty (anonymous) one, so that
    optional authentication is sent whenever the client has it.
    """
    for alternative in security:
        found = [credentials.get(name) for name in alternative]
        if alternative and all(c is not None for c in found):
            return tuple(c for c in found if c is not None)
    if not security or any(not alternative for alternative in security):
        return ()
    raise MissingCredentialError(security, hints)


def accept_for(call: Call) -> str:
    """The Accept header: explicit, else from the declared responses.

    JSON wins whenever a success response is JSON (the official OpenAI SDK asks for JSON
    even for streams); otherwise the declared media types of the success responses.
    """
    if call.accept:
        return call.accept
    # Only success responses count: a JSON error must not make a download ask for JSON.
    success = [r for r in call.responses if r.status.startswith("2")]
    kinds = {r.kind for r in success or call.responses}
    if "json" in kinds or not kinds:
        return "application/json"
    declared = [r.media_type for r in success if r.media_type and r.kind != "empty"]
    if declared and all("*" not in media for media in declared):
        return ", ".join(dict.fromkeys(declared))
    if "sse" in kinds:
        return "text/event-stream"
    if "text" in kinds:
        return "text/plain, */*"
    return "*/*"


def _kind_of(response: httpx.Response) -> str:
    """A response's kind judged from its Content-Type, when nothing was declared."""
    content_type = response.headers.get("content-type", "").lower()
    if "event-stream" in content_type:
        return "sse"
    media = content_type.split(";")[0].strip()
    if media in ("application/jsonl", "application/x-ndjson"):
        return "jsonl"
    if media.endswith("json-seq"):
        return "json-seq"
    if "json" in content_type:
        return "json"
    if content_type.startswith("text/"):
        return "text"
    if not response.content:
        return "empty"
    return "binary"


def pick_response(
    responses: Sequence[ResponseType], response: httpx.Response
) -> ResponseType | None:
    """The declared response for a status: exact, then range (``2XX``), then ``default``.

    Several matches at one level (JSON and SSE for one status) are told apart by the
    response's Content-Type. A success status nothing matches falls back to the first
    declared success response.
    """
    status = response.status_code
    for key in (str(status), f"{status // 100}XX", "DEFAULT"):
        found = [r for r in responses if r.status.upper() == key]
        if found:
            kind = _kind_of(response)
            return next((r for r in found if _framed_as(r.kind) == kind), found[0])
    if 200 <= status < 300:
        return next((r for r in responses if r.status.startswith("2")), None)
    return None


def _framed_as(kind: str) -> str:
    """The kind a Content-Type tells: an event stream is one, however its items are typed."""
    return "sse" if kind == "events" else kind


def should_retry(response: httpx.Response) -> bool:
    """Whether a response is worth retrying; the server may say so explicitly."""
    verdict: str = response.headers.get("x-should-retry", "").lower()
    if verdict in ("true", "false"):
        return verdict == "true"
    status = response.status_code
    return status in (408, 409, 429) or status >= 500


def _retryable_error(exc: httpx.HTTPError) -> bool:
    """Network failures and timeouts are retried; a bad request would fail again."""
    return isinstance(
        exc, (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
    )


def _server_wait(headers: httpx.Headers) -> float | None:
    """The wait a server asked for (retry-after-ms, Retry-After seconds or date)."""
    try:
        if "retry-after-ms" in headers:
            return float(headers["retry-after-ms"]) / 1000
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            now = datetime.datetime.now(when.tzinfo or datetime.timezone.utc)
            return (when - now).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def retry_delay(retry: int, headers: httpx.Headers | None = None) -> float:
    """Seconds to wait before retry number ``retry`` (0-based).

    A server's wait between 0 and 60 s is honoured; otherwise exponential backoff
    (0.5 s doubling, at most 8 s) minus up to 25% jitter so clients spread out.
    """
    if headers is not None:
        wait = _server_wait(headers)
        if wait is not None and 0 <= wait <= MAX_SERVER_WAIT:
            return wait
    backoff = min(INITIAL_RETRY_WAIT * 2.0**retry, MAX_RETRY_WAIT)
    return backoff * (1 - 0.25 * random.random())


def _plain_json(response: httpx.Response) -> bool:
    """A success answer to a stream request that is plain JSON: the server did not stream."""
    return _kind_of(response) == "json"


def _not_a_stream(
    response: httpx.Response, media_type: str = "text/event-stream"
) -> ApiResponseValidationError:
    content_type = response.headers.get("content-type", "")
    return ApiResponseValidationError(
        f"Expected a {media_type} response, got {content_type}.",
        response=response,
        body=response.content,
    )


def _json_or_none(content: bytes) -> object:
    try:
        return json_value(content)
    except ValueError:
        return None


def _checked_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """Headers by lower-case name, each checked for characters that would split it."""
    checked = {name.lower(): value for name, value in (headers or {}).items()}
    for name, value in checked.items():
        check_header(name, value)
    return checked


class PlacedParams:
    """A call's parameters serialized and sorted by location."""

    def __init__(self) -> None:
        self.path: dict[str, str] = {}
        self.query: list[tuple[str, str]] = []
        self.querystring = ""  # a querystring parameter: the query's start, as encoded
        self.headers: dict[str, str] = {}
        self.cookies: list[tuple[str, str]] = []


def with_idempotency_key(call: Call) -> Call:
    """The call with a fresh idempotency key in its ``idempotency_header``, unless it has
    none or the caller gave one (as the parameter or in ``extra_headers``). Made once per
    call, before the first attempt, so that every retry of the call sends the same key and
    the server can tell a retry from a new request."""
    name = call.idempotency_header
    if name is None or any(
        key.lower() == name.lower() for key in call.extra_headers or {}
    ):
        return call
    own = [p for p in call.params if p.location == "header" and p.name == name]
    if any(not isinstance(p.value, NotGiven) for p in own):
        return call
    params = [p for p in call.params if p not in own]
    return call._replace(params=(*params, Param("header", name, str(uuid.uuid4()))))


def place_params(
    params: Sequence[Param], array_format: str = "indices"
) -> PlacedParams:
    """Serialize each given parameter per its style; NOT_GIVEN ones are left out.
    ``array_format`` is the default for parameters that do not set one."""
    placed = PlacedParams()
    for param in params:
        if isinstance(param.value, NotGiven):
            continue
        style = param.style or default_style(param.location)
        explode = default_explode(style) if param.explode is None else param.explode
        if param.location == "path":
            placed.path[param.name] = path_value(
                param.name, param.value, style=style, explode=explode
            )
        elif param.location == "query":
            placed.query += query_pairs(
                param.name,
                param.value,
                style=style,
                explode=explode,
                allow_reserved=param.allow_reserved,
                array_format=param.array_format or array_format,
            )
        elif param.location == "querystring":
            placed.querystring = encode_querystring(
                param.value, param.content_type, param.encoding
            )
        elif param.location == "header":
            placed.headers[param.name.lower()] = header_value(
                param.name, param.value, explode=explode, style=style
            )
        else:
            placed.cookies += cookie_pairs(param.name, param.value, explode=explode)
    return placed


def loggable_url(request: httpx.Request, credentials: tuple[Credential, ...]) -> str:
    """The URL with credential query parameters redacted."""
    secret = {name for c in credentials for name in c.secret_query_names()}
    url = str(request.url)
    if not secret or "?" not in url:
        return url
    base, _, query = url.partition("?")
    pairs = [p.partition("=") for p in query.split("&")]
    return (
        base
        + "?"
        + "&".join(
            f"{k}{eq}{'REDACTED' if unquote(k) in secret else v}" for k, eq, v in pairs
        )
    )


class _Attempt:
    """One attempt of a call, for the log: which request, which retry, since when."""

    def __init__(
        self,
        request: httpx.Request,
        credentials: tuple[Credential, ...],
        retry: int,
        max_retries: int,
    ) -> None:
        self.request = request
        self.credentials = credentials
        self.retry = retry
        self.max_retries = max_retries
        self.started = time.monotonic()

    @cached_property
    def where(self) -> str:
        """``POST https://host/path?key=REDACTED``: made only for a line that is logged."""
        return f"{self.request.method} {loggable_url(self.request, self.credentials)}"

    @property
    def label(self) -> str:
        return f" (retry {self.retry} of {self.max_retries})" if self.retry else ""

    def took(self) -> str:
        return f"{time.monotonic() - self.started:.3f} s"

    def next_retry(self, wait: float) -> str:
        return f"retry {self.retry + 1} of {self.max_retries} in {wait:.3f} s"

    def answered(self, response: httpx.Response) -> None:
        """Log a response handed to the caller (read whole, or a stream's head)."""
        if not _log.isEnabledFor(logging.INFO):
            return
        _log.info(
            "%s -> %d %s in %s%s",
            self.where,
            response.status_code,
            response.reason_phrase,
            self.took(),
            self.label,
        )


class _BaseTransport:
    """Configuration and the pure steps the sync and async transports share."""

    _owns_client: bool  # whether close() closes the HTTP client (set by the subclasses)

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Mapping[str, Credential | None],
        credential_hints: Mapping[str, str],
        timeout: Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        user_agent: str,
        operation_servers: bool,
        max_response_bytes: int | None,
        max_event_bytes: int | None,
        strict_response_validation: bool,
        request_id_header: str | None,
        default_query: Mapping[str, object] | None,
        connect_timeout: float,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # False when the caller chose the base URL: it then serves every operation.
        self.operation_servers = operation_servers
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_response_bytes = max_response_bytes
        self.max_event_bytes = max_event_bytes
        # False: a success body that does not fit its type is built leniently.
        self.strict_response_validation = strict_response_validation
        # a header that carries the server's request id, besides x-request-id, request-id
        self.request_id_header = request_id_header
        self._credentials = dict(credentials)
        self._hints = dict(credential_hints)
        self._default_headers = _checked_headers(default_headers)
        self._default_query = dict(default_query or {})
        # seconds to connect when the timeout is a number (at most that number)
        self.connect_timeout = connect_timeout
        self._user_agent = (
            f"{user_agent} Python/{platform.python_version()} httpx/{httpx.__version__}"
        )
        enable_from_env(_log)
        self._json = JsonDecoder()
        self._parsed_urls: dict[str, httpx.URL] = {}
        # Headers the HTTP client sends on every request of its own accord: a client we make
        # is given the usual ones, which requests then need not set again. None are assumed
        # of a caller's client.
        self._client_sends: dict[str, str] = {}

    def _usual_headers(self) -> dict[str, str]:
        """The headers most requests send, for the HTTP client the transport makes."""
        return {"user-agent": self._user_agent, "accept": "application/json"}

    def __repr__(self) -> str:
        schemes = sorted(k for k, v in self._credentials.items() if v is not None)
        return f"{type(self).__name__}(base_url={self.base_url!r}, credentials={schemes!r})"

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        strict_response_validation: bool | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with these options changed (headers and query added to this one's),
        sending through the same HTTP client and its connection pool. The copy never
        closes that client: the transport that made it does."""
        clone = copy.copy(self)
        clone._owns_client = False
        if not isinstance(timeout, NotGiven):
            clone.timeout = timeout
        if not isinstance(max_retries, NotGiven):
            clone.max_retries = max_retries
        if not isinstance(strict_response_validation, NotGiven):
            clone.strict_response_validation = strict_response_validation
        clone._default_headers = {
            **self._default_headers,
            **_checked_headers(default_headers),
        }
        clone._default_query = {**self._default_query, **(default_query or {})}
        return clone

    def _credentials_for(self, call: Call) -> tuple[Credential, ...]:
        return select_credentials(call.security, self._credentials, self._hints)

    @staticmethod
    def _follows_redirects(
        client: httpx.Client | httpx.AsyncClient, credentials: tuple[Credential, ...]
    ) -> bool:
        """Whether httpx may follow redirects: when the caller's client does, unless a
        credential travels in a header httpx would carry to another host (it drops only
        ``Authorization`` and ``Cookie``); the 3xx is then raised as an ``ApiStatusError``.
        """
        if not client.follow_redirects:
            return False
        auth = RequestAuth()
        for credential in credentials:
            credential.apply(auth)
        return all(name in ("authorization", "cookie") for name in auth.headers)

    def _build_request(
        self,
        client: httpx.Client | httpx.AsyncClient,
        call: Call,
        credentials: tuple[Credential, ...],
    ) -> httpx.Request:
        auth = RequestAuth()
        for credential in credentials:
            credential.apply(auth)
        placed = place_params(call.params, call.array_format)

        path, _, fixed_query = call.path.partition("?")
        # A next-page link is complete: its query is sent as it came, in its order.
        link = path.startswith(("http://", "https://"))
        # A query written into the spec's path key ("/responses?beta=true") is kept.
        query = [
            (k, v)
            for k, _, v in (p.partition("=") for p in fixed_query.split("&") if p)
            if not link
        ]
        given = {name.partition("[")[0] for name, _ in placed.query}
        query += [
            pair
            for name, value in self._default_query.items()
            if name not in given and not isinstance(value, NotGiven)
            for pair in query_pairs(name, value)
        ]
        query += placed.query
        query += [(quote(k, safe=""), quote(v, safe="")) for k, v in auth.query]
        if call.extra_query:
            extra = [
                pair
                for name, value in call.extra_query.items()
                if not isinstance(value, NotGiven)
                for pair in query_pairs(name, value)
            ]
            replaced = {k for k, _ in extra}
            query = [pair for pair in query if pair[0] not in replaced] + extra
        if link:
            url = call.path
        else:
            own_server = call.base_url if self.operation_servers else None
            url = (own_server or self.base_url).rstrip("/") + expand_path(
                path, placed.path
            )
        parts = [placed.querystring] if placed.querystring else []
        parts += [join_query(query)] if query else []
        if parts:
            url += ("&" if link and fixed_query else "?") + "&".join(parts)

        body = encode_body(
            call.body,
            dict(call.media_kinds).get(call.content_type or "", call.body_kind),
            content_type=call.content_type,
            encoding=call.encoding,
            extra_body=call.extra_body,
            array_format=call.array_format,
        )
        # Later entries win: defaults, then the call's own, credentials, extra_headers.
        headers = {"accept": accept_for(call), "user-agent": self._user_agent}
        headers.update(self._default_headers)
        if body is not None and body.content_type:
            headers["content-type"] = body.content_type
        headers.update(placed.headers)
        headers.update(auth.headers)
        cookies = placed.cookies + [
            pair for k, v in auth.cookies for pair in cookie_pairs(k, v)
        ]
        if cookies:
            headers["cookie"] = cookie_header(cookies)
        for name, value in (call.extra_headers or {}).items():
            headers[name.lower()] = value

        request = client.build_request(
            call.method.upper(),
            self._parsed_url(url),
            content=body.content if body is not None else None,
            files=body.files if body is not None else None,
        )
        # Set on the request rather than passed to build_request, which would merge them
        # into the client's own by removing and appending each header both have: the same
        # headers in the end, for a tenth of the call's time.
        sent = self._client_sends
        for name, value in headers.items():
            check_header(name, value)
            if sent.get(name) != value:
                request.headers[name] = value
        return request

    def _parsed_url(self, url: str) -> httpx.URL:
        """``url`` as httpx parses it, kept for the next call to the same URL: parsing
        is a third of the time httpx takes to build a request."""
        parsed = self._parsed_urls.get(url)
        if parsed is None:
            if len(self._parsed_urls) >= PARSED_URLS:
                self._parsed_urls.clear()
            parsed = self._parsed_urls[url] = httpx.URL(url)
        return parsed

    def _max_retries(self, call: Call) -> int:
        if isinstance(call.max_retries, NotGiven):
            return self.max_retries
        return call.max_retries

    def _timeouts(self, call: Call) -> tuple[httpx.Timeout, float | None]:
        timeout = self.timeout if isinstance(call.timeout, NotGiven) else call.timeout
        return plan_timeout(timeout, self.connect_timeout)

    @staticmethod
    def _wait_after_failure(
        exc: httpx.HTTPError, attempt: _Attempt, can_retry: bool
    ) -> float:
        """The wait before retrying an attempt that failed; the client's error when it
        is not retried."""
        failure = (
            f"{attempt.where} failed ({type(exc).__name__}) after {attempt.took()}"
        )
        if not (can_retry and _retryable_error(exc)):
            _log.info("%s%s", failure, attempt.label)
            raise connection_error(exc) from exc
        wait = retry_delay(attempt.retry)
        _log.info("%s%s; %s", failure, attempt.label, attempt.next_retry(wait))
        return wait

    @staticmethod
    def _wait_after_status(response: httpx.Response, attempt: _Attempt) -> float:
        wait = retry_delay(attempt.retry, response.headers)
        _log.info(
            "%s -> %d after %s%s; %s",
            attempt.where,
            response.status_code,
            attempt.took(),
            attempt.label,
            attempt.next_retry(wait),
        )
        return wait

    @staticmethod
    def _read_now(response: httpx.Response, stream: bool) -> bool:
        """Whether a response's body is read whole in its attempt: all but a stream's
        success, which is read as the caller iterates (each read with its timeout)."""
        return not stream or not response.is_success

    def _parse_success(self, response: httpx.Response, call: Call) -> Any:
        """A read success response as the value the method returns."""
        declared = pick_response(call.responses, response)
        kind = declared.kind if declared is not None else _kind_of(response)
        if kind == "empty" or response.status_code in (204, 205):
            return None
        if kind == "text" or kind == "sse":
            return response.text
        if kind == "binary":
            return response.content
        type_ = declared.type if declared is not None else None
        if kind != "json":  # events, jsonl or json-seq: a sequence, read whole
            from .sequences import read_all

            items = read_all(response, kind)
            if type_ is None:
                return items
            try:
                return self._json.adapter(type_).validate_python(items)
            except ValueError as exc:  # pydantic's ValidationError
                if not self._strict(call):
                    return build_leniently(type_, items)
                raise ApiResponseValidationError(
                    response=response, body=response.content
                ) from exc
        content = response.content
        if type_ is None and not content.strip():
            return None
        try:
            return self._json.decode(type_, content)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError too
            if self._strict(call):
                raise ApiResponseValidationError(
                    response=response, body=content
                ) from exc
            return self._forgive(response, type_, exc)

    def _strict(self, call: Call) -> bool:
        """Whether a body that does not fit its type raises, for this call."""
        if isinstance(call.strict_response_validation, NotGiven):
            return self.strict_response_validation
        return call.strict_response_validation

    @staticmethod
    def _forgive(response: httpx.Response, type_: object, exc: ValueError) -> Any:
        """What a success body that failed validation still gives: the body itself when
        it is not JSON (served as another media type, or a string declared as JSON),
        else the declared type built from what could be read. A body with nothing to
        read (empty, malformed JSON for a model, a model's JSON that is not an object)
        raises ``ApiResponseValidationError``."""
        content = response.content
        kind = _kind_of(response)
        if kind in ("text", "binary"):
            return response.text if kind == "text" else content
        try:
            value = json_value(content)
        except ValueError:
            if type_ is str and content:
                return response.text
            raise ApiResponseValidationError(response=response, body=content) from exc
        if is_model_class(type_) and not isinstance(value, dict):
            raise ApiResponseValidationError(response=response, body=content) from exc
        _log.debug(
            "Response of status %d does not fit %s; built leniently",
            response.status_code,
            getattr(type_, "__name__", type_),
        )
        return build_leniently(type_, value)

    def _status_error(self, response: httpx.Response, call: Call) -> ApiStatusError:
        """The error for a read non-success response, its body parsed forgivingly: the
        declared error model (built from what could be read when it does not fit), else
        the JSON value, else None."""
        error_class = status_error_class(response.status_code)
        content = response.content
        request_id = request_id_of(response.headers, self.request_id_header)
        parsed: object = None
        if content.strip():
            declared = pick_response(call.responses, response)
            value = _json_or_none(content)
            parsed = value
            if declared is not None and declared.kind == "json" and declared.type:
                try:
                    parsed = self._json.decode(declared.type, content)
                except ValueError:
                    if isinstance(value, dict) or not is_model_class(declared.type):
                        parsed = build_leniently(declared.type, value)
        return error_class(
            response=response, content=content, parsed=parsed, request_id=request_id
        )

    def _item_decoder(self, item_type: object, call: Call) -> Callable[[str], Any]:
        """How an event's data becomes an item: validated, else (unless strict) built
        from what could be read; data that is not JSON raises."""
        if self._strict(call):
            return partial(self._json.decode, item_type)
        return partial(self._decode_forgiving, item_type)

    def _decode_forgiving(self, item_type: object, data: str) -> Any:
        try:
            return self._json.decode(item_type, data)
        except ValueError:
            value = json_value(data)  # not JSON: the stream's ValueError, as before
            if is_model_class(item_type) and not isinstance(value, dict):
                raise
            return build_leniently(item_type, value)

    def _item_reader(self, item_type: object, kind: str) -> ReaderFactory[Any] | None:
        """How a stream's bytes become items: None for the events' data (``sse``), else a
        sequence's framing (``events``, ``jsonl``, ``json-seq``), each value validated.
        """
        if kind == "sse":
            return None
        from .sequences import ItemReader

        validate = self._json.adapter(item_type).validate_python
        limit = self.max_event_bytes
        return lambda response: ItemReader(response, kind, validate, limit)

    def _parser(self, call: Call) -> Callable[[httpx.Response], Any]:
        return partial(self._parse_success, call=call)


def param_sent(call: Call, name: str | None) -> object:
    """The value the call gives the query parameter ``name`` (None when it gives none)."""
    return next(
        (
            p.value
            for p in call.params
            if p.location == "query"
            and p.name == name
            and not isinstance(p.value, NotGiven)
        ),
        None,
    )


def following(call: Call, found: NextPage) -> Call:
    """The call for the next page: the same call with one query parameter set anew, or sent
    to a next-page URL, which carries the whole query (path and query parameters go; header
    and cookie parameters stay)."""
    if found.url is not None:
        kept = tuple(p for p in call.params if p.location in ("header", "cookie"))
        return call._replace(path=found.url, params=kept, extra_query=None)
    params = tuple(
        p for p in call.params if not (p.location == "query" and p.name == found.param)
    )
    return call._replace(
        params=(*params, Param("query", found.param or "", found.value))
    )


class SyncTransport(_BaseTransport):
    """Sends calls with an ``httpx.Client``."""

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Mapping[str, Credential | None],
        credential_hints: Mapping[str, str],
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = 2,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        operation_servers: bool = True,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
        strict_response_validation: bool = False,
        request_id_header: str | None = None,
        default_query: Mapping[str, object] | None = None,
        default_timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        resolved = _resolve_timeout(timeout, http_client, default_timeout)
        super().__init__(
            base_url=base_url,
            credentials=credentials,
            credential_hints=credential_hints,
            timeout=resolved,
            max_retries=max_retries,
            default_headers=default_headers,
            user_agent=user_agent,
            operation_servers=operation_servers,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            strict_response_validation=strict_response_validation,
            request_id_header=request_id_header,
            default_query=default_query,
            connect_timeout=connect_timeout,
        )
        self._owns_client = http_client is None
        if http_client is None:
            self._client_sends = self._usual_headers()
            http_client = httpx.Client(
                timeout=plan_timeout(resolved, connect_timeout)[0],
                verify=DeferredContext(),  # httpx's, made at the first TLS handshake
                headers=self._client_sends,
            )
        self._client = http_client

    def _send(self, call: Call, *, stream: bool) -> httpx.Response:
        """Send with retries. The response is read whole (within the attempt's deadline
        and ``max_response_bytes``) unless it is retried or a stream's success."""
        call = with_idempotency_key(call)
        credentials = self._credentials_for(call)
        for credential in credentials:
            credential.prepare(self._client)
        request = self._build_request(self._client, call, credentials)
        follow = self._follows_redirects(self._client, credentials)
        phases, seconds = self._timeouts(call)
        max_retries = self._max_retries(call)
        retry = 0
        while True:
            # A stream's reads are timed one by one; a body read whole, as one.
            deadline = start_attempt(request, phases, None if stream else seconds)
            can_retry = retry < max_retries
            attempt = _Attempt(request, credentials, retry, max_retries)
            if _log.isEnabledFor(logging.DEBUG):
                _log.debug("Sending %s%s", attempt.where, attempt.label)
            try:
                response = self._client.send(
                    request, stream=True, follow_redirects=follow
                )
                retried = can_retry and should_retry(response)
                if not retried:
                    self._take(response, stream, deadline or deadline_after(seconds))
            except httpx.HTTPError as exc:
                wait = self._wait_after_failure(exc, attempt, can_retry)
            else:
                if not retried:
                    attempt.answered(response)
                    return response
                wait = self._wait_after_status(response, attempt)
                response.close()
            time.sleep(wait)
            retry += 1

    def _take(
        self, response: httpx.Response, stream: bool, deadline: Deadline | None
    ) -> None:
        """Guard a response kept for the caller; read its body whole, unless it is a
        stream's success (an error answering a stream request is read with a deadline
        of its own)."""
        if self._read_now(response, stream):
            guard(response, deadline)
            read_body(response, self.max_response_bytes)
        else:
            guard(response, None)

    def _read(self, response: httpx.Response) -> None:
        """Read a guarded response's body whole, for an error that quotes it."""
        try:
            read_body(response, self.max_response_bytes)
        except httpx.HTTPError as exc:
            raise connection_error(exc) from exc

    def _open(self, call: Call) -> httpx.Response:
        """An unread success response; a failure is read and raised."""
        response = self._send(call, stream=True)
        if not response.is_success:
            raise self._status_error(response, call)
        return response

    def request(self, call: Call, mode: Mode = "parsed") -> Any:
        """Parsed value, ``RawResponse`` or unread ``StreamedResponse``, per ``mode``."""
        if mode == "streaming":
            return StreamedResponse(
                self._open(call),
                self._parser(call),
                self.max_response_bytes,
                request_id_header=self.request_id_header,
            )
        response = self._send(call, stream=False)
        if not response.is_success:
            raise self._status_error(response, call)
        if mode == "raw":
            return RawResponse(response, self._parser(call), self.request_id_header)
        return self._parse_success(response, call)

    def stream(self, call: Call, item_type: object, kind: str = "sse") -> Stream[Any]:
        """Open the request now (status errors raise here) and iterate its items."""
        from .streaming import Stream

        response = self._open(call)
        if _plain_json(response):
            self._read(response)
            raise _not_a_stream(response, call.accept or "text/event-stream")
        return Stream(
            response,
            self._item_decoder(item_type, call),
            self.max_event_bytes,
            self._item_reader(item_type, kind),
            request_id_header=self.request_id_header,
        )

    def first_page(self, call: Call, pages: Pages) -> SyncPage[Any]:
        """The first page of a list call, which fetches the ones after it."""
        return self._page(call, pages, 0)

    def _page(self, call: Call, pages: Pages, seen: int) -> SyncPage[Any]:
        def fetch(found: NextPage, seen_now: int) -> SyncPage[Any]:
            return self._page(following(call, found), pages, seen_now)

        raw = self.request(call, "raw")
        return SyncPage(raw, pages, fetch, param_sent(call, pages.param), seen)

    def paginate(self, call: Call, pages: Pages) -> Iterator[Any]:
        """Every item of every page, fetching each page when the previous one is used up."""
        for page in self.first_page(call, pages).iter_pages():
            yield from page.items

    def close(self) -> None:
        """Close the HTTP client, if this transport created it."""
        if self._owns_client:
            self._client.close()


class AsyncTransport(_BaseTransport):
    """Sends calls with an ``httpx.AsyncClient`` (asyncio)."""

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Mapping[str, Credential | None],
        credential_hints: Mapping[str, str],
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = 2,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        operation_servers: bool = True,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
        strict_response_validation: bool = False,
        request_id_header: str | None = None,
        default_query: Mapping[str, object] | None = None,
        default_timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        resolved = _resolve_timeout(timeout, http_client, default_timeout)
        super().__init__(
            base_url=base_url,
            credentials=credentials,
            credential_hints=credential_hints,
            timeout=resolved,
            max_retries=max_retries,
            default_headers=default_headers,
            user_agent=user_agent,
            operation_servers=operation_servers,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            strict_response_validation=strict_response_validation,
            request_id_header=request_id_header,
            default_query=default_query,
            connect_timeout=connect_timeout,
        )
        self._owns_client = http_client is None
        if http_client is None:
            self._client_sends = self._usual_headers()
            http_client = httpx.AsyncClient(
                timeout=plan_timeout(resolved, connect_timeout)[0],
                headers=self._client_sends,
            )
        self._client = http_client

    async def _send(self, call: Call, *, stream: bool) -> httpx.Response:
        """Send with retries. The response is read whole (within the attempt's deadline
        and ``max_response_bytes``) unless it is retried or a stream's success."""
        call = with_idempotency_key(call)
        credentials = self._credentials_for(call)
        for credential in credentials:
            await credential.aprepare(self._client)
        request = self._build_request(self._client, call, credentials)
        follow = self._follows_redirects(self._client, credentials)
        phases, seconds = self._timeouts(call)
        max_retries = self._max_retries(call)
        retry = 0
        while True:
            # A stream's reads are timed one by one; a body read whole, as one.
            deadline = start_attempt(request, phases, None if stream else seconds)
            can_retry = retry < max_retries
            attempt = _Attempt(request, credentials, retry, max_retries)
            if _log.isEnabledFor(logging.DEBUG):
                _log.debug("Sending %s%s", attempt.where, attempt.label)
            try:
                response = await within(
                    deadline,
                    self._client.send(request, stream=True, follow_redirects=follow),
                )
                retried = can_retry and should_retry(response)
                if not retried:
                    await self._take(
                        response, stream, deadline or deadline_after(seconds)
                    )
            except httpx.HTTPError as exc:
                wait = self._wait_after_failure(exc, attempt, can_retry)
            else:
                if not retried:
                    attempt.answered(response)
                    return response
                wait = self._wait_after_status(response, attempt)
                await response.aclose()
            import asyncio  # here: a synchronous client never pays for importing it

            await asyncio.sleep(wait)
            retry += 1

    async def _take(
        self, response: httpx.Response, stream: bool, deadline: Deadline | None
    ) -> None:
        """The async twin of ``SyncTransport._take``; the deadline also cuts a read
        short."""
        if self._read_now(response, stream):
            guard(response, deadline)
            await within(deadline, aread_body(response, self.max_response_bytes))
        else:
            guard(response, None)

    async def _read(self, response: httpx.Response) -> None:
        """Read a guarded response's body whole, for an error that quotes it."""
        try:
            await aread_body(response, self.max_response_bytes)
        except httpx.HTTPError as exc:
            raise connection_error(exc) from exc

    async def _open(self, call: Call) -> httpx.Response:
        """An unread success response; a failure is read and raised."""
        response = await self._send(call, stream=True)
        if not response.is_success:
            raise self._status_error(response, call)
        return response

    async def _open_stream(self, call: Call) -> httpx.Response:
        response = await self._open(call)
        if _plain_json(response):
            await self._read(response)
            raise _not_a_stream(response, call.accept or "text/event-stream")
        return response

    async def request(self, call: Call, mode: Mode = "parsed") -> Any:
        """Parsed value, ``RawResponse`` or open ``AsyncStreamedResponse``, per ``mode``."""
        if mode == "streaming":
            return AsyncStreamedResponse(
                await self._open(call),
                self._parser(call),
                self.max_response_bytes,
                request_id_header=self.request_id_header,
            )
        response = await self._send(call, stream=False)
        if not response.is_success:
            raise self._status_error(response, call)
        if mode == "raw":
            return RawResponse(response, self._parser(call), self.request_id_header)
        return self._parse_success(response, call)

    def streamed_response(self, call: Call) -> AsyncStreamedResponse[Any]:
        """An ``AsyncStreamedResponse`` that sends on ``async with`` entry (no await)."""
        return AsyncStreamedResponse(
            None,
            self._parser(call),
            self.max_response_bytes,
            opener=partial(self._open, call),
            request_id_header=self.request_id_header,
        )

    def stream(
        self, call: Call, item_type: object, kind: str = "sse"
    ) -> AsyncStream[Any]:
        """A lazy stream: the request is sent on first iteration or ``async with``."""
        from .streaming import AsyncStream

        return AsyncStream(
            partial(self._open_stream, call),
            self._item_decoder(item_type, call),
            self.max_event_bytes,
            self._item_reader(item_type, kind),
            request_id_header=self.request_id_header,
        )

    async def first_page(self, call: Call, pages: Pages) -> AsyncPage[Any]:
        """The first page of a list call, which fetches the ones after it."""
        return await self._page(call, pages, 0)

    async def _page(self, call: Call, pages: Pages, seen: int) -> AsyncPage[Any]:
        async def fetch(found: NextPage, seen_now: int) -> AsyncPage[Any]:
            return await self._page(following(call, found), pages, seen_now)

        raw = await self.request(call, "raw")
        return AsyncPage(raw, pages, fetch, param_sent(call, pages.param), seen)

    async def paginate(self, call: Call, pages: Pages) -> AsyncIterator[Any]:
        """Every item of every page (``async for``, no ``await``), page by page."""
        page = await self.first_page(call, pages)
        async for each in page.iter_pages():
            for item in each.items:
                yield item

    async def close(self) -> None:
        """Close the HTTP client, if this transport created it."""
        if self._owns_client:
            await self._client.aclose()

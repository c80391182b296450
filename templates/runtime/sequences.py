"""Sequential media types (OpenAPI 3.2 ``itemSchema``): bytes in, items out.

Three framings, each an incremental splitter that takes chunks cut anywhere and returns the
JSON values they complete; lines are split by ``LineReader``, in time linear in the bytes
fed and within the client's ``max_event_bytes`` (an item longer raises
``ResponseTooLargeError``):

- JSON Lines and NDJSON (``application/jsonl``, ``application/x-ndjson``): one JSON text per
  line, LF or CRLF; blank lines are skipped, and the last line may lack its LF.
- JSON text sequences (RFC 7464, ``application/json-seq``): each text starts with RS (0x1E)
  and ends with LF; a text is complete at the next RS, or as soon as a chunk ends with LF
  after its top-level value closed (so that a live stream is not held back by one item:
  brackets are counted as the bytes pass, and a text is parsed there at most once); a text
  that is not JSON is skipped, as the RFC asks of parsers.
- Server-sent events described by an ``itemSchema``: each event is an item, a ``TypedEvent``
  whose ``data`` is parsed as JSON when its declared type is not ``str``.

``ItemReader`` turns a framing's values into typed items for ``Stream``/``AsyncStream``, and
``read_all`` reads a whole body into the list the plain method returns.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Generic, Iterator, Protocol, TypeVar

import httpx
import pydantic
from pydantic import ValidationError, ValidatorFunctionWrapHandler, field_validator

from .errors import ApiConnectionError, ApiResponseValidationError, StreamError
from .limits import DEFAULT_MAX_EVENT_BYTES
from .lines import LineReader
from .models import json_value
from .sse import SSEDecoder

T = TypeVar("T")
DataT = TypeVar("DataT")

_RS = b"\x1e"
_DONE = "[DONE]"


class TypedEvent(pydantic.BaseModel, Generic[DataT]):
    """One server-sent event of a stream the document describes with an ``itemSchema``."""

    model_config = pydantic.ConfigDict(extra="allow", defer_build=True)

    event: str = "message"
    data: DataT
    id: str | None = None
    retry: int | None = None

    @field_validator("data", mode="wrap")
    @classmethod
    def _parsed_data(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """``data`` is text on the wire: JSON when the document types it (its
        ``contentSchema``), kept as text when it is not JSON or does not fit."""
        if isinstance(value, str) and cls.model_fields["data"].annotation is not str:
            try:
                parsed = json_value(value)
            except ValueError:
                pass
            else:
                try:
                    return handler(parsed)
                except ValidationError:
                    pass
        return handler(value)


class Framing(Protocol):
    """Splits a byte stream into JSON values (Python data)."""

    done: bool

    def feed(self, chunk: bytes) -> list[object]: ...

    def end(self) -> list[object]:
        """What the unfinished rest holds at the end of the body (ValueError: a cut item)."""
        ...


class JsonLines:
    """JSON Lines / NDJSON framing."""

    def __init__(self, max_bytes: int | None = DEFAULT_MAX_EVENT_BYTES) -> None:
        self._lines = LineReader(max_bytes, b"\n")
        self.done = False

    def feed(self, chunk: bytes) -> list[object]:
        return [json_value(line) for line in self._lines.feed(chunk) if line.strip()]

    def end(self) -> list[object]:
        rest = self._lines.take_rest()
        return [json_value(rest)] if rest.strip() else []


class JsonTextSequence:
    """JSON text sequence framing (RFC 7464)."""

    def __init__(self, max_bytes: int | None = DEFAULT_MAX_EVENT_BYTES) -> None:
        self._texts = LineReader(max_bytes, _RS)
        self._nesting = _Nesting()  # of the unfinished text
        self.done = False

    def feed(self, chunk: bytes) -> list[object]:
        values = [v for text in self._texts.feed(chunk) for v in _text_value(text)]
        last_rs = chunk.rfind(_RS)
        if last_rs >= 0:
            self._nesting = _Nesting()
        self._nesting.feed(chunk, last_rs + 1)
        if chunk.endswith(b"\n") and self._texts.pending and self._nesting.closed:
            # A text complete with its LF is given now, not when the next one starts.
            rest = self._texts.take_rest()
            ended = _text_value(rest)
            if ended:
                values += ended
                self._nesting = _Nesting()
            else:  # not JSON, and more bytes cannot make it so: wait for the next RS
                self._texts.feed(rest)
                self._nesting.tried = True
        return values

    def end(self) -> list[object]:
        rest = self._texts.take_rest()
        return [json_value(rest)] if rest.strip() else []


# The rest of a string, up to its closing quote.
_STRING_REST = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


class _Nesting:
    """How deeply the JSON text read so far is nested, fed piece by piece: brackets outside
    strings are counted, each byte looked at once (C-level scans between quotes)."""

    def __init__(self) -> None:
        self.depth = 0
        self.started = False  # something other than whitespace was read
        self.tried = False  # parsed once at depth 0, and it was no JSON
        self._in_string = False
        self._escaped = False  # the piece ended inside a string, after a lone backslash

    @property
    def closed(self) -> bool:
        """Whether a top-level value may have ended: the moment to try parsing the text."""
        return (
            self.started and self.depth == 0 and not self._in_string and not self.tried
        )

    def feed(self, piece: bytes, start: int = 0) -> None:
        self.started = self.started or bool(piece[start:].strip())
        at = start
        while at < len(piece):
            if not self._in_string:
                quote = piece.find(b'"', at)
                end = len(piece) if quote < 0 else quote
                opened = piece.count(b"{", at, end) + piece.count(b"[", at, end)
                self.depth += (
                    opened - piece.count(b"}", at, end) - piece.count(b"]", at, end)
                )
                self._in_string = quote >= 0
                at = end + 1
            elif self._escaped:
                self._escaped = False
                at += 1
            else:
                found = _STRING_REST.match(piece, at)
                if found is None:  # the string goes on in the next piece
                    backslashes = len(piece) - len(piece.rstrip(b"\\"))
                    self._escaped = min(backslashes, len(piece) - at) % 2 == 1
                    return
                self._in_string = False
                at = found.end()


def _text_value(text: bytes) -> list[object]:
    """The value of one text of a sequence; none when it is empty or not JSON (skipped)."""
    if not text.strip():
        return []
    try:
        return [json_value(text)]
    except ValueError:
        return []


class EventItems:
    """Server-sent events as items: each event as the mapping ``TypedEvent`` validates.

    As for every event stream of this client, data ``[DONE]`` ends the stream and an event
    named ``error`` raises ``StreamError``.
    """

    def __init__(self, max_bytes: int | None = DEFAULT_MAX_EVENT_BYTES) -> None:
        self._decoder = SSEDecoder(max_bytes)
        self.done = False

    def feed(self, chunk: bytes) -> list[object]:
        values: list[object] = []
        for event in () if self.done else self._decoder.feed(chunk):
            if event.data == _DONE:
                self.done = True
                break
            if event.event == "error":
                raise StreamError(data=_json_or_text(event.data), event=event.event)
            values.append(
                {"event": event.event, "data": event.data, "id": event.id}
                | ({"retry": event.retry} if event.retry is not None else {})
            )
        return values

    def end(self) -> list[object]:
        if self._decoder.pending and not self.done:
            raise ValueError("the stream ended in the middle of an event")
        return []


def _json_or_text(text: str) -> object:
    try:
        return json_value(text)
    except ValueError:
        return text


FRAMINGS: dict[str, Callable[[int | None], Framing]] = {
    "events": EventItems,
    "jsonl": JsonLines,
    "json-seq": JsonTextSequence,
}
SEQUENCE_KINDS = tuple(FRAMINGS)


def framing_of(content_type: str, declared: str, max_bytes: int | None) -> Framing:
    """The framing the response's Content-Type names, else the declared one."""
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/jsonl", "application/x-ndjson"):
        return JsonLines(max_bytes)
    if media == "application/json-seq" or media.endswith("+json-seq"):
        return JsonTextSequence(max_bytes)
    return FRAMINGS[declared](max_bytes)


class ItemReader(Generic[T]):
    """A framing's values validated into items; the reader ``Stream`` and ``AsyncStream``
    drive (``feed``, ``done``, ``finish``)."""

    def __init__(
        self,
        response: httpx.Response,
        kind: str,
        validate: Callable[[object], T],
        max_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
    ) -> None:
        self._response = response
        content_type = response.headers.get("content-type", "")
        self._framing = framing_of(content_type, kind, max_bytes)
        self._validate = validate

    @property
    def done(self) -> bool:
        return self._framing.done

    def feed(self, chunk: bytes) -> Iterator[T]:
        try:
            values = self._framing.feed(chunk)
        except ValueError as exc:  # a line that is not JSON
            raise ApiResponseValidationError(
                response=self._response, body=chunk
            ) from exc
        for value in values:
            yield self._item(value)

    def finish(self) -> Iterator[T]:
        """The items the end of the body completes; a cut item is a connection error."""
        try:
            values = self._framing.end()
        except ValueError as exc:
            raise ApiConnectionError(
                "Connection error (the stream ended in the middle of an item)."
            ) from exc
        for value in values:
            yield self._item(value)

    def _item(self, value: object) -> T:
        try:
            return self._validate(value)
        except ValidationError as exc:
            raise ApiResponseValidationError(
                response=self._response, body=json.dumps(value).encode()
            ) from exc


def read_all(response: httpx.Response, kind: str) -> list[Any]:
    """Every value of a whole, read body of a sequential media type (the plain method's
    answer: the sequence as an array, as OpenAPI maps it); already bounded as a whole by
    ``max_response_bytes``, its items are not bounded again."""
    framing = framing_of(response.headers.get("content-type", ""), kind, None)
    try:
        values = framing.feed(response.content)
        return values if framing.done else values + framing.end()
    except ValueError as exc:
        raise ApiResponseValidationError(
            response=response, body=response.content
        ) from exc

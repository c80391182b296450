"""An incremental Server-Sent Events decoder, following the WHATWG event stream rules.

Bytes may arrive split anywhere: inside a CRLF, inside a multi-byte UTF-8 character,
or between events. Lines end at CRLF, LF or CR (split by ``LineReader``, in linear
time and within a size limit); text is decoded per complete line, so a character
split across chunks is decoded whole.
"""

from __future__ import annotations

from typing import NamedTuple

from .errors import ResponseTooLargeError
from .limits import DEFAULT_MAX_EVENT_BYTES
from .lines import LineReader

_BOM = b"\xef\xbb\xbf"


class ServerSentEvent(NamedTuple):
    """One dispatched event. ``id`` is the stream's last event id, as the spec keeps it."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Feed bytes in, get complete events out.

    ``max_event_bytes`` bounds one line and the data of one event: a server that never
    ends a line or an event raises ``ResponseTooLargeError`` there.
    """

    def __init__(self, max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES) -> None:
        self._lines = LineReader(max_event_bytes)
        self._started = False  # whether a leading BOM has been dealt with
        self._event: str | None = None
        self._data: list[str] = []
        self._data_size = 0
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode a chunk; return the events it completed."""
        events: list[ServerSentEvent] = []
        for line in self._lines.feed(chunk):
            if not self._started:
                self._started = True
                if line.startswith(_BOM):
                    line = line[len(_BOM) :]
            event = self._line(line.decode("utf-8", errors="replace"), len(line))
            if event is not None:
                events.append(event)
        return events

    @property
    def pending(self) -> bool:
        """Whether an event has started but not been completed by a blank line."""
        return self._lines.pending or bool(self._data) or self._event is not None

    def _line(self, line: str, size: int) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment, often a keep-alive
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "event":
            self._event = value
        elif field == "data":
            self._data_size += size
            limit = self._lines.max_bytes
            if limit is not None and self._data_size > limit:
                raise ResponseTooLargeError(
                    "A stream event", limit=limit, option="max_event_bytes"
                )
            self._data.append(value)
        elif field == "id":
            if "\0" not in value:
                self._last_id = value
        elif field == "retry":
            if value.isascii() and value.isdigit():
                self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        """A blank line ends an event; one without data lines is dropped, as the spec says."""
        event, data, retry = self._event, self._data, self._retry
        self._event, self._data, self._retry, self._data_size = None, [], None, 0
        if not data:
            return None
        return ServerSentEvent(
            event=event or "message",
            data="\n".join(data),
            id=self._last_id,
            retry=retry,
        )

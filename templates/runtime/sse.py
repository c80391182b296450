"""An incremental Server-Sent Events decoder, following the WHATWG event stream rules.

Bytes may arrive split anywhere: inside a CRLF, inside a multi-byte UTF-8 character,
or between events. Lines end at CRLF, LF or CR; text is decoded per complete line,
so a character split across chunks is decoded whole.
"""

from __future__ import annotations

from dataclasses import dataclass

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event. ``id`` is the stream's last event id, as the spec keeps it."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Feed bytes in, get complete events out."""

    def __init__(self) -> None:
        self._buffer = b""
        self._started = False  # whether a leading BOM has been dealt with
        self._after_cr = False  # the last chunk ended in CR: skip a leading LF
        self._event: str | None = None
        self._data: list[str] = []
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode a chunk; return the events it completed."""
        buffer = self._buffer + chunk
        if not self._started:
            if len(buffer) < len(_BOM) and _BOM.startswith(buffer):
                self._buffer = buffer
                return []
            self._started = True
            if buffer.startswith(_BOM):
                buffer = buffer[len(_BOM) :]
        if self._after_cr and buffer:
            self._after_cr = False
            if buffer.startswith(b"\n"):
                buffer = buffer[1:]
        lines = buffer.splitlines(keepends=True)
        self._buffer = b""
        if lines and not lines[-1].endswith((b"\n", b"\r")):
            self._buffer = lines.pop()
        events: list[ServerSentEvent] = []
        for raw in lines:
            if raw.endswith(b"\r\n"):
                line = raw[:-2]
            else:
                line = raw[:-1]
            event = self._line(line.decode("utf-8", errors="replace"))
            if event is not None:
                events.append(event)
        # A CR ending the chunk may be the first half of a CRLF.
        if lines and not self._buffer and lines[-1].endswith(b"\r"):
            self._after_cr = True
        return events

    @property
    def pending(self) -> bool:
        """Whether an event has started but not been completed by a blank line."""
        return bool(self._buffer) or bool(self._data) or self._event is not None

    def _line(self, line: str) -> ServerSentEvent | None:
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
        self._event, self._data, self._retry = None, [], None
        if not data:
            return None
        return ServerSentEvent(
            event=event or "message",
            data="\n".join(data),
            id=self._last_id,
            retry=retry,
        )

"""Splitting a byte stream into lines, in time linear in its length and within a size limit.

Every line-based stream decoder (Server-Sent Events, JSON Lines, JSON text sequences)
reads through a ``LineReader``: a chunk is scanned once, and an unfinished line is kept
as a list of pieces joined once when it ends, so a long line arriving in small chunks
costs no more than a short one per byte. A line longer than the limit raises
``ResponseTooLargeError`` instead of growing without end.
"""

from __future__ import annotations

from .errors import ResponseTooLargeError


class LineReader:
    """Feed bytes in, get complete lines (without their terminator) out.

    ``separator=None`` ends lines at CRLF, LF or CR (the event stream rules; a CRLF split
    across two chunks counts once); a single byte such as ``b"\\n"`` or ``b"\\x1e"`` ends
    them at that byte alone. ``max_bytes`` bounds a line, its terminator excluded
    (None: no bound).
    """

    def __init__(self, max_bytes: int | None, separator: bytes | None = None) -> None:
        if separator is not None and len(separator) != 1:
            raise ValueError("a line separator is one byte")
        self.max_bytes = max_bytes
        self._separator = separator
        self._parts: list[bytes] = []  # the unfinished line
        self._size = 0
        self._after_cr = False  # the last chunk ended in CR: a leading LF is its CRLF

    @property
    def pending(self) -> bool:
        """Whether an unfinished line is held."""
        return bool(self._parts)

    def feed(self, chunk: bytes) -> list[bytes]:
        """The lines this chunk completes, in order."""
        if self._separator is not None:
            *complete, rest = chunk.split(self._separator)
            lines = [self._finish(piece) for piece in complete]
            self._hold(rest)
            return lines
        if self._after_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]
            self._after_cr = False
        if not chunk:
            return []
        self._after_cr = chunk.endswith(b"\r")
        lines = []
        for piece in chunk.splitlines(keepends=True):
            if piece.endswith(b"\r\n"):
                lines.append(self._finish(piece[:-2]))
            elif piece.endswith((b"\n", b"\r")):
                lines.append(self._finish(piece[:-1]))
            else:  # only the last piece can be unfinished
                self._hold(piece)
        return lines

    def take_rest(self) -> bytes:
        """The unfinished line, given up at the end of the stream (b"" when none)."""
        rest = b"".join(self._parts)
        self._parts, self._size = [], 0
        return rest

    def _hold(self, piece: bytes) -> None:
        if not piece:
            return
        self._size += len(piece)
        self._check(self._size)
        self._parts.append(piece)

    def _finish(self, piece: bytes) -> bytes:
        if self._parts:
            self._check(self._size + len(piece))
            piece = b"".join((*self._parts, piece))
            self._parts, self._size = [], 0
        else:
            self._check(len(piece))
        return piece

    def _check(self, size: int) -> None:
        if self.max_bytes is not None and size > self.max_bytes:
            self._parts, self._size = [], 0
            raise ResponseTooLargeError(
                "A stream line", limit=self.max_bytes, option="max_event_bytes"
            )

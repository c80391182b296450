"""A real HTTP/1.1 server on 127.0.0.1 for tests: scripted replies, recorded requests.

Each test queues replies per (method, path) and then asserts on what the server
received. Replies can wait before answering, send their body in flushed chunks
(for Server-Sent Events), or cut the connection before the body is complete.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import socket
import ssl
import struct
import threading
import zlib
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Literal, Mapping, Sequence, Union

Framing = Literal["length", "chunked", "close"]


@dataclass
class Reply:
    """One scripted response.

    ``chunks`` are written one by one with a flush (and ``chunk_delay``) between them,
    chunked-encoded unless ``framing="close"`` (body ends when the connection closes).
    ``truncate`` closes the connection before the body is complete: the last chunk
    is not followed by the chunked terminator, or half of ``body`` is left unsent.
    """

    status: int = 200
    headers: Sequence[tuple[str, str]] | Mapping[str, str] = ()
    body: bytes = b""
    chunks: Sequence[bytes] | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0
    truncate: bool = False
    framing: Framing | None = None
    #: like ``truncate``, but the connection is reset (TCP RST) instead of closed
    reset: bool = False
    #: bytes written as they are instead of a response (status line and headers
    #: included), one by one with ``chunk_delay`` between them; then the connection closes
    raw: Sequence[bytes] | None = None

    @classmethod
    def json(
        cls,
        data: Any,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        **options: Any,
    ) -> Reply:
        all_headers = {"content-type": "application/json", **(headers or {})}
        return cls(status, all_headers, json.dumps(data).encode(), **options)

    @classmethod
    def sse(cls, *chunks: str | bytes, status: int = 200, **options: Any) -> Reply:
        """An event stream written as the given chunks (each flushed on its own)."""
        data = [c.encode() if isinstance(c, str) else c for c in chunks]
        headers = {"content-type": "text/event-stream", "cache-control": "no-cache"}
        return cls(status, headers, chunks=data, **options)

    def header_items(self) -> list[tuple[str, str]]:
        if isinstance(self.headers, Mapping):
            return list(self.headers.items())
        return list(self.headers)


@dataclass
class Recorded:
    """One request as the server received it."""

    method: str
    path: str  # raw, still percent-encoded, without the query
    query: str  # raw query string, "" when none
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of a header, case-insensitively."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body)

    def multipart(self) -> list[dict[str, Any]]:
        """The parts of a multipart/form-data body: name, filename, content_type, data."""
        content_type = self.header("content-type") or ""
        assert content_type.startswith("multipart/form-data"), content_type
        raw = f"Content-Type: {content_type}\r\n\r\n".encode() + self.body
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
        return [
            {
                "name": part.get_param("name", header="content-disposition"),
                "filename": part.get_filename(),
                "content_type": part.get("content-type"),
                "data": part.get_payload(decode=True),
            }
            for part in message.iter_parts()
        ]


Responder = Union[Reply, Callable[[Recorded], Reply]]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        path, _, query = self.path.partition("?")
        recorded = Recorded(
            self.command, path, query, list(self.headers.items()), self._read_body()
        )
        reply = self.server.owner.take(recorded)
        try:
            self._respond(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def __getattr__(self, name: str) -> Any:
        # Any method is answered (QUERY, COPY, PURGE...): the server dispatches on do_<METHOD>.
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def _respond(self, reply: Reply) -> None:
        if reply.delay and self.server.owner.stopping.wait(reply.delay):
            self.close_connection = True
            return
        if reply.raw is not None:
            self.close_connection = True
            for index, piece in enumerate(reply.raw):
                if index and self.server.owner.stopping.wait(reply.chunk_delay):
                    return
                self.wfile.write(piece)
                self.wfile.flush()
            return
        framing = reply.framing or ("chunked" if reply.chunks is not None else "length")
        self.send_response(reply.status)
        for key, value in reply.header_items():
            self.send_header(key, value)
        body = reply.body
        if framing == "length":
            self.send_header("content-length", str(len(body)))
        elif framing == "chunked":
            self.send_header("transfer-encoding", "chunked")
        else:
            self.send_header("connection", "close")
            self.close_connection = True
        self.end_headers()
        if framing == "length":
            cut = reply.truncate or reply.reset
            self.wfile.write(body[: len(body) // 2] if cut else body)
        else:
            self._write_chunks(reply, framing)
        self.wfile.flush()
        if reply.reset:
            # a zero linger makes close() send RST: the peer sees "connection reset"
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            self.close_connection = True
            self.connection.close()
        elif reply.truncate:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def _write_chunks(self, reply: Reply, framing: Framing) -> None:
        chunks = reply.chunks if reply.chunks is not None else [reply.body]
        for index, chunk in enumerate(chunks):
            if index and reply.chunk_delay:
                if self.server.owner.stopping.wait(reply.chunk_delay):
                    return  # the server stops: a long drip ends with it
            if framing == "chunked":
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                self.wfile.write(chunk)
            self.wfile.flush()
        if framing == "chunked" and not (reply.truncate or reply.reset):
            self.wfile.write(b"0\r\n\r\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler still sleeping must not hold up stop()
    owner: Loopback

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out and hang up are expected here


class Loopback:
    """The server: start, script replies, run the code under test, read ``requests``."""

    def __init__(
        self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None
    ) -> None:
        """``host``: any address of 127.0.0.0/8 (127.0.0.2 is another host to a client);
        ``tls``: a server context to speak HTTPS with."""
        self.host = host
        self.tls = tls
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()
        self._replies: dict[tuple[str, str], deque[Responder]] = {}
        self._always: dict[tuple[str, str], Responder] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the server is not started"
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    def start(self) -> Loopback:
        self._server = _Server((self.host, 0), _Handler)
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(
                self._server.socket, server_side=True
            )
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def reply(self, method: str, path: str, *replies: Responder) -> None:
        """Queue replies for ``METHOD path`` (raw path, no query); "*" matches any."""
        with self._lock:
            self._replies.setdefault((method.upper(), path), deque()).extend(replies)

    def always(self, method: str, path: str, responder: Responder) -> None:
        """Answer every ``METHOD path`` with ``responder`` once queued replies run out."""
        with self._lock:
            self._always[(method.upper(), path)] = responder

    def take(self, request: Recorded) -> Reply:
        """Record a request and pop its reply (418 when nothing was scripted)."""
        with self._lock:
            self.requests.append(request)
            keys = ((request.method, request.path), (request.method, "*"), ("*", "*"))
            for key in keys:
                queue = self._replies.get(key)
                if queue:
                    responder = queue.popleft()
                    return responder(request) if callable(responder) else responder
            for key in keys:
                found = self._always.get(key)
                if found is not None:
                    return found(request) if callable(found) else found
        target = f"{request.method} {request.path}"
        return Reply.json({"error": f"no scripted reply for {target}"}, status=418)

    @property
    def last(self) -> Recorded:
        """The most recent request."""
        with self._lock:
            return self.requests[-1]


def free_port() -> int:
    """A port that nothing listens on (for connection-refused tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def gzip_of_zeros(mebibytes: int) -> bytes:
    """A valid gzip body that inflates to ``mebibytes`` MiB of ``0`` characters (a
    decompression bomb: about 1 KiB per MiB), built fast and without holding what it
    inflates to. Every MiB compresses to the same bytes after a full flush, so one is
    compressed and repeated."""
    block = b"0" * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    packed = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (mebibytes << 20) & 0xFFFFFFFF)
    return header + packed * mebibytes + packer.flush() + trailer


def echo(request: Recorded) -> Reply:
    """A JSON description of the request received: method, raw path and query, headers
    (lower-cased names), body as text, and the parts of a multipart body."""
    description: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "headers": {k.lower(): v for k, v in request.headers},
        "body": request.body.decode("utf-8", errors="replace"),
    }
    if (request.header("content-type") or "").startswith("multipart/form-data"):
        description["parts"] = [
            {**part, "data": part["data"].decode("utf-8", errors="replace")}
            for part in request.multipart()
        ]
    return Reply.json(description)

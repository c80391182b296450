"""A loopback HTTP server answering chat completions with one fixed body.

It runs in a thread of the harness, so the measured client processes talk to a server
that is already warm and does the same tiny amount of work for every contender.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_BODY = (Path(__file__).resolve().parent / "data" / "chat_completion.json").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        found = self.path.split("?")[0].endswith("/chat/completions")
        body = _BODY if found else b'{"error": {"message": "not found"}}'
        self.send_response(200 if found else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the harness prints its own progress."""


class CompletionServer:
    """``with CompletionServer() as url:`` gives a base URL ending in ``/v1``."""

    def __enter__(self) -> str:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

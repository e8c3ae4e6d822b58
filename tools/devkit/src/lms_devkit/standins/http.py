"""The loopback HTTP server both vendor stand-ins answer through: JSON replies, every
method routed to one `handle(method, path, headers, body)` function."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# (status, JSON reply, extra response headers)
Reply = tuple[int, dict[str, Any], dict[str, str]]
Handle = Callable[[str, str, dict[str, str], bytes], Reply]


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 refuses connections under a benchmark's load.
    request_queue_size = 256
    daemon_threads = True


class JsonApiServer:
    def __init__(self, handle: Handle, *, port: int = 0) -> None:
        self._handle = handle
        self._port = port  # 0: a free one
        self._server: _Server | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> JsonApiServer:
        handle = self._handle

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, reply, headers = handle(method, self.path, dict(self.headers), body)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                self._answer("POST")

            def do_GET(self) -> None:
                self._answer("GET")

            def do_DELETE(self) -> None:
                self._answer("DELETE")

        self._server = _Server(("127.0.0.1", self._port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

"""A real HTTP server on 127.0.0.1 that records the JSON it receives and can fail the first requests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WebhookReceiver:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[dict[str, Any]] = []
        self.attempts = 0
        self.url = ""
        self._lock = threading.Lock()

    def events(self, event: str) -> list[dict[str, Any]]:
        with self._lock:
            return [body for body in self.received if body.get("event") == event]

    def handle(self, body: bytes) -> int:
        with self._lock:
            self.attempts += 1
            if self.attempts <= self.failures:
                return 500
            self.received.append(json.loads(body))
            return 204


@contextmanager
def webhook_receiver(failures: int = 0) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(failures)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(receiver.handle(body))
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/alerts"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

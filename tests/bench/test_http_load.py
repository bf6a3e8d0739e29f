"""The benchmarks' load client against a real HTTP server: every request answered, non-200 refused."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from bench.http_load import LoadError, run_load


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Handler.seen.append(self.path)
        status, body = (404, b"no") if self.path.endswith("/missing") else (200, b'{"ok":true}')
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def server_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/base"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_every_request_is_sent_and_timed(server_url: str) -> None:
    Handler.seen.clear()
    result = asyncio.run(run_load(server_url, ["/a", "/b"], total=9, connections=2, headers={"X-Test": "1"}))
    assert len(result.latencies) == 9
    assert sorted(Handler.seen) == ["/base/a"] * 5 + ["/base/b"] * 4
    assert result.requests_per_second > 0


def test_a_failed_request_stops_the_load(server_url: str) -> None:
    with pytest.raises(LoadError, match="404"):
        asyncio.run(run_load(server_url, ["/missing"], total=2, connections=1))

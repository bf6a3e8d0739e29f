"""Fixtures for bot tests: an asyncio test runner for the whole session, a static page server, one browser."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bots.drivers.browser import BrowserHost, LaunchOptions
from retrofhir.config import BrowserSettings

PAGES = Path(__file__).parent / "pages"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def static_site() -> Iterator[str]:
    """The pages under tests/bots/pages, served on a free 127.0.0.1 port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(PAGES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def launch_options() -> LaunchOptions:
    return LaunchOptions.for_source(BrowserSettings(), [])


@pytest.fixture(scope="session")
async def browser_host() -> AsyncIterator[BrowserHost]:
    """The one browser of the test session; each test opens its own context."""
    host = BrowserHost()
    try:
        yield host
    finally:
        await host.close()

"""Web test helpers shared across test packages: a folder of pages served on 127.0.0.1, a web driver opened on one.

Both clean up on exit, whatever the test did:

    with serve_directory(PAGES) as base_url: ...                     # a free port, stopped on exit
    async with open_web_driver(host, options, base_url, "/form.html", element_seconds=2) as driver: ...
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.web import WebDriver
from bots.map_models import Timeouts


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder's files without an access log line per request: the tests read results, not logs."""

    def log_message(self, format: str, *args: Any) -> None:
        return None


@contextmanager
def serve_directory(directory: Path, handler: type[SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """The files under `directory`, served by `handler` on a free 127.0.0.1 port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@asynccontextmanager
async def open_web_driver(
    browser_host: BrowserHost, launch_options: LaunchOptions, base_url: str, page: str, *, element_seconds: float
) -> AsyncIterator[WebDriver]:
    """A started web driver on `page` of `base_url`, waiting at most `element_seconds` for an element; stopped after."""
    web = WebDriver(
        browser_host, launch_options, base_url, Timeouts(element_seconds=element_seconds, navigation_seconds=5)
    )
    await web.start()
    try:
        await web.goto(page)
        yield web
    finally:
        await web.stop()

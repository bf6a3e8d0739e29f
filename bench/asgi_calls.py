"""Call an ASGI app directly, with no socket and no HTTP parsing: what one request costs inside the application.

seconds = await time_gets(app, paths, headers, count)   # per-request seconds, app code only
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping, Sequence
from typing import Any

from fastapi import FastAPI

Message = dict[str, Any]


class AsgiCallError(RuntimeError):
    """The app answered with something other than 200."""


async def get(app: FastAPI, path: str, headers: dict[str, str]) -> int:
    """One GET through the app; the response status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")] + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


async def time_gets(app: FastAPI, paths: Sequence[str], headers: dict[str, str], count: int) -> list[float]:
    """`count` GETs cycling through `paths`, each timed on its own, in seconds."""
    samples = []
    for index in range(count):
        started = time.perf_counter()
        status = await get(app, paths[index % len(paths)], headers)
        samples.append(time.perf_counter() - started)
        if status != 200:
            raise AsgiCallError(f"the app answered {status}")
    return samples

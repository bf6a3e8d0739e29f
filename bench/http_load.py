"""A small HTTP/1.1 load generator: keep-alive connections on asyncio streams, sending GETs back to back.

httpx costs more CPU per request than uvicorn spends answering a small read, so on two cores it would measure
the client. This client only writes a request and reads a Content-Length body, which leaves the server as the
bottleneck. It speaks just enough HTTP for the benchmarks' servers and refuses anything else.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit


class LoadError(RuntimeError):
    """The server answered something this client does not expect (non-200, no Content-Length)."""


@dataclass(frozen=True)
class LoadResult:
    """Requests answered per second of wall time, and every request's latency in seconds."""

    requests_per_second: float
    latencies: list[float]


async def _read_response(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    if status_line.split(" ", 2)[1] != "200":
        raise LoadError(f"unexpected response: {status_line}")
    length = None
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise LoadError("the response has no Content-Length")
    return await reader.readexactly(length)


async def _connection(host: str, port: int, requests: list[bytes], latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for request in requests:
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            await _read_response(reader)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()
        await writer.wait_closed()


def _request(host: str, port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def run_load(
    base_url: str, paths: Sequence[str], total: int, connections: int, headers: dict[str, str] | None = None
) -> LoadResult:
    """Send `total` GETs (cycling through `paths`) over `connections` keep-alive connections at once."""
    address = urlsplit(base_url)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    prefix = address.path.rstrip("/")
    requests = [_request(host, port, prefix + paths[i % len(paths)], headers or {}) for i in range(total)]
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(_connection(host, port, requests[i::connections], latencies) for i in range(connections)))
    return LoadResult(total / (time.perf_counter() - started), latencies)

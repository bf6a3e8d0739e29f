"""Start the practice web EHR in a subprocess for tests and demos, drive its admin endpoints, stop it by PID.

with running_legacy_web(tmp_path / "web.sqlite", knobs={"ui_version": 2}) as server:
    server.base_url, server.set_knobs(latency_ms=200), server.reset(), server.query("SELECT ...")
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from practice_ehrs.clinical_data import query
from practice_ehrs.legacy_web.admin_pages import ADMIN_TOKEN_HEADER
from practice_ehrs.legacy_web.knobs import ENVIRONMENT_PREFIX

STARTUP_TIMEOUT_S = 30.0


class LegacyWebStartError(RuntimeError):
    """The server process exited or did not answer in time; the message carries the end of its output."""


@dataclass(frozen=True)
class LegacyWebServer:
    """A running practice web EHR: where it listens, its database file, and its admin controls."""

    base_url: str
    db_path: Path
    admin_token: str
    pid: int

    def _admin(self, method: str, path: str, payload: Mapping[str, Any] | None = None) -> Any:
        response = httpx.request(
            method,
            f"{self.base_url}{path}",
            json=payload,
            headers={ADMIN_TOKEN_HEADER: self.admin_token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def knobs(self) -> dict[str, Any]:
        result: dict[str, Any] = self._admin("GET", "/admin/knobs")
        return result

    def set_knobs(self, **changes: Any) -> dict[str, Any]:
        """Change knobs at run time (latency_ms, failure_rate, ..., maintenance_notice)."""
        result: dict[str, Any] = self._admin("POST", "/admin/knobs", changes)
        return result

    def reset(self) -> None:
        """Seed data back in place, knobs back to their start values, every session ended."""
        self._admin("POST", "/admin/reset")

    def expire_sessions(self) -> int:
        """End every session now; returns how many there were."""
        expired: int = self._admin("POST", "/admin/expire-sessions")["expired"]
        return expired

    def query(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Read the server's database directly (e.g. to prove a bot's write landed exactly once)."""
        return query(self.db_path, sql, parameters)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _command(port: int, database: Path, token: str, knobs: Mapping[str, Any]) -> list[str]:
    command = [sys.executable, "-m", "practice_ehrs.legacy_web", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--database", str(database), "--admin-token", token]
    for name, value in knobs.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    return command


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str, token: str, log_path: Path) -> None:
    """Poll an admin endpoint (exempt from the fault knobs) until it answers."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LegacyWebStartError(f"legacy_web exited with {process.returncode}: {log_path.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/admin/knobs", headers={ADMIN_TOKEN_HEADER: token}, timeout=2).is_success:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise LegacyWebStartError(f"legacy_web did not answer within {STARTUP_TIMEOUT_S}s: {log_path.read_text()[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def running_legacy_web(
    database: Path,
    knobs: Mapping[str, Any] | None = None,
    port: int | None = None,
) -> Iterator[LegacyWebServer]:
    """Run the server on 127.0.0.1 (a free port unless given) over `database`, seeded if missing."""
    port = port or free_port()
    token = secrets.token_urlsafe(16)
    base_url = f"http://127.0.0.1:{port}"
    environment = {name: value for name, value in os.environ.items() if not name.startswith(ENVIRONMENT_PREFIX)}
    with tempfile.TemporaryDirectory(prefix="legacy-web-") as log_directory:
        log_path = Path(log_directory) / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                _command(port, database, token, knobs or {}),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environment,
            )
        try:
            _wait_until_ready(process, base_url, token, log_path)
            yield LegacyWebServer(base_url, database, token, process.pid)
        finally:
            _stop(process)

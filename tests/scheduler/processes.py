"""Real helper processes for the scheduler tests: a throwaway PostgreSQL server and `retrofhir worker` processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio

from scheduler import WriteQueue

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        time.sleep(interval)


def _as_postgres_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a PostgreSQL server in a temporary directory on a free port; yields a `postgresql+psycopg` URL."""
    directory = Path(tempfile.mkdtemp(prefix="retrofhir-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"
    port = free_port()
    try:
        subprocess.run(
            _as_postgres_user(
                [
                    str(POSTGRES_BIN / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(
            _as_postgres_user(
                [
                    str(POSTGRES_BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(directory / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                _as_postgres_user([str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                check=False,
                capture_output=True,
            )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


class WorkerProcess:
    """One `retrofhir worker` process; its output goes to a file the test can read."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_file = log.open("ab")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "retrofhir"), "worker"],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env},
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 120) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log.read_text(errors='replace')[-3000:]}")
            return b" ready" in self.log.read_bytes()

        wait_until(ready, timeout, "the worker to start")

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine loses power."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log_file.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._log_file.close()


async def unfinished_writes(queue: WriteQueue) -> int:
    return len([record for record in await queue.list_writes(limit=100_000) if not record.finished])


async def wait_until_finished(queue: WriteQueue, timeout: float, log: Path | None = None) -> None:
    """Wait for every write in the queue to finish (succeeded, failed or unknown).

    On timeout the error tells why: each unfinished write's state and last events, and the tail of the worker's log.
    """
    with anyio.move_on_after(timeout):
        while await unfinished_writes(queue):
            await anyio.sleep(0.1)
        return
    raise TimeoutError(f"writes unfinished after {timeout:.0f} s:\n{await describe_unfinished(queue, log)}")


async def describe_unfinished(queue: WriteQueue, log: Path | None = None) -> str:
    """Unfinished writes (status, attempts, lease, last events) and the worker log's tail, for a test's message."""
    lines = []
    for record in await queue.list_writes(limit=100_000):
        if record.finished:
            continue
        lines.append(
            f"{record.id} {record.status} attempts={record.attempts} next={record.next_attempt_at:%H:%M:%S} "
            f"lease={record.lease_owner}@{record.lease_expires_at and f'{record.lease_expires_at:%H:%M:%S}'}"
        )
        for event in (await queue.events(record.id))[-4:]:
            change = f"{event.from_status}->{event.to_status}"
            lines.append(f"    {event.at:%H:%M:%S} {change} #{event.attempt} {event.reason}")
    if log is not None and log.exists():
        lines.append(f"--- {log.name} (last 40 lines)")
        lines.extend(log.read_text(errors="replace").splitlines()[-40:])
    return "\n".join(lines)

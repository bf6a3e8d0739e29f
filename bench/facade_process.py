"""Start a `bench.facade_server` process on a free port, get it an access token, stop it by its PID.

key = client_key()
register_client(key, data_dir)
with running_server("cached", data_dir) as server:
    token = access_token(server.base_url, key)
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric import ec

from bench.facade_server import CLIENT_ID, JWKS_FILE
from fhir_facade.auth import ASSERTION_TYPE, make_client_assertion
from fhir_facade.auth.keys import public_jwk
from practice_ehrs.legacy_web.runner import free_port
from retrofhir.config import PROJECT_ROOT

STARTUP_SECONDS = 300.0  # three servers importing at once on a loaded two-core machine took over 90 s


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    pid: int


def client_key() -> ec.EllipticCurvePrivateKey:
    """A fresh ES384 key for the benchmark's SMART client."""
    return ec.generate_private_key(ec.SECP384R1())


def register_client(key: ec.EllipticCurvePrivateKey, data_dir: Path) -> None:
    """Write the client's JWKS where a server over `data_dir` looks for registered clients."""
    jwks_file = data_dir / JWKS_FILE
    jwks_file.parent.mkdir(parents=True, exist_ok=True)
    jwks_file.write_text(json.dumps({"keys": [public_jwk(key, "ES384")]}), encoding="utf-8")


def access_token(base_url: str, key: ec.EllipticCurvePrivateKey) -> str:
    """A SMART Backend Services access token, asked for the way a real client does (private_key_jwt)."""
    token_url = f"{base_url}/auth/token"
    kid = public_jwk(key, "ES384").get("kid")
    assertion = make_client_assertion(CLIENT_ID, token_url, key, "ES384", kid)
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
        "scope": "system/Patient.rs",
    }
    response = httpx.post(token_url, data=form, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass(frozen=True)
class ServerSpec:
    """One server to run: its mode, its data directory and any further command-line options."""

    mode: str
    data_dir: Path
    options: tuple[str, ...] = ()


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def running_servers(*specs: ServerSpec) -> Iterator[list[RunningServer]]:
    """Run `python -m bench.facade_server MODE ...` for every spec at once (they start in parallel) until the
    block ends; each one's output goes to its data_dir/MODE-PORT.log."""
    started: list[tuple[subprocess.Popen[bytes], int, Path]] = []
    try:
        for spec in specs:
            port = free_port()
            spec.data_dir.mkdir(parents=True, exist_ok=True)
            log_path = spec.data_dir / f"{spec.mode}-{port}.log"
            command = [sys.executable, "-m", "bench.facade_server", spec.mode, "--port", str(port)]
            command += ["--data-dir", str(spec.data_dir), *spec.options]
            with log_path.open("wb") as log:
                process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
            started.append((process, port, log_path))
        deadline = time.monotonic() + STARTUP_SECONDS
        for process, port, log_path in started:
            while not _listening(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"a bench server did not start: {log_path.read_text()[-2000:]}")
                time.sleep(0.05)
        yield [RunningServer(f"http://127.0.0.1:{port}", process.pid) for process, port, _ in started]
    finally:
        for process, _, _ in started:
            _stop(process)

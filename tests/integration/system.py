"""Start `retrofhir serve` as a real child process over the practice web EHR, for the end-to-end tests.

Besides `legacy_web` itself, two variants of its screen map are served over the same EHR: `legacy_web_v1`
knows only UI version 1 for one field (UI version 2 is drift it cannot follow), and `legacy_web_down` points at a
port nobody listens on (the legacy system is down).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from fhir_facade.cli import issue_dev_token
from practice_ehrs.legacy_web.runner import LegacyWebServer, free_port
from retrofhir.config import PROJECT_ROOT, FacadeSettings, Settings

START_TIMEOUT_S = 90.0
DEMO_CLIENT = "retrofhir-demo"


@dataclass
class DemoClientTokens:
    """Access tokens of the demo client, asked for again before one expires, as a real backend client does.

    The session-wide system outlives one token on a slow machine. Tokens are issued on a thread of their own, since
    a test may run while another package's event loop is marked running on the main thread.
    """

    settings: Settings
    _token: str = ""
    _issued_at: float = 0.0
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def current(self) -> str:
        margin = 60.0
        lifetime = self.settings.fhir.auth.token_lifetime_seconds
        with self._lock:
            if not self._token or time.monotonic() - self._issued_at > lifetime - margin:
                with ThreadPoolExecutor(max_workers=1) as thread:
                    self._token = thread.submit(asyncio.run, issue_dev_token(self.settings, [])).result()
                self._issued_at = time.monotonic()
            return self._token


@dataclass(frozen=True)
class RunningSystem:
    """A running `retrofhir serve`: its URL, data directory, environment, and tokens of the demo client."""

    base_url: str
    data_dir: Path
    environment: dict[str, str]
    tokens: DemoClientTokens
    pid: int
    log_path: Path

    @property
    def token(self) -> str:
        """A demo-client access token that is valid now."""
        return self.tokens.current()

    def fhir(self, source: str = "legacy-web") -> str:
        return f"{self.base_url}/fhir/{source}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/fhir+json"}


def map_variant(source: dict[str, Any], source_id: str, v1_only_field: tuple[str, str] | None) -> dict[str, Any]:
    """The web map under another id; with `v1_only_field` (screen, field) that field keeps its first locator only."""
    variant = {**source, "source": {**source["source"], "id": source_id}, "examples": []}
    if v1_only_field is not None:
        screen, field = v1_only_field
        locators = variant["screens"][screen]["fields"][field]["locators"]
        variant["screens"][screen]["fields"][field]["locators"] = locators[:1]
    return variant


def write_screen_maps(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    text = (PROJECT_ROOT / "screen_maps" / "legacy_web.yaml").read_text(encoding="utf-8")
    (directory / "legacy_web.yaml").write_text(text, encoding="utf-8")
    source = yaml.safe_load(text)
    for source_id, field in (("legacy_web_v1", ("demographics", "last_name")), ("legacy_web_down", None)):
        variant = map_variant(source, source_id, field)
        (directory / f"{source_id}.yaml").write_text(yaml.safe_dump(variant, sort_keys=False), encoding="utf-8")


def system_environment(root: Path, ehr: LegacyWebServer, port: int) -> dict[str, str]:
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("RETROFHIR_")}
    return {
        **inherited,
        "RETROFHIR_CONFIG": str(root / "no-config.toml"),
        "RETROFHIR_DATA_DIR": str(root / "var"),
        "RETROFHIR_SCREEN_MAPS_DIR": str(root / "maps"),
        "RETROFHIR_FACADE__HOST": "127.0.0.1",
        "RETROFHIR_FACADE__PORT": str(port),
        "RETROFHIR_FACADE__PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "RETROFHIR_FHIR__WRITE_WAIT_SECONDS": "60",
        "RETROFHIR_SOURCE_URL_LEGACY_WEB": ehr.base_url,
        "RETROFHIR_SOURCE_URL_LEGACY_WEB_V1": ehr.base_url,
        "RETROFHIR_SOURCE_URL_LEGACY_WEB_DOWN": f"http://127.0.0.1:{free_port()}",
        "LEGACY_WEB_USERNAME": "nurse",
        "LEGACY_WEB_PASSWORD": "nurse123",
    }


def _ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).is_success
    except httpx.TransportError:
        return False


@contextmanager
def running_system(root: Path, ehr: LegacyWebServer) -> Iterator[RunningSystem]:
    """`python -m retrofhir serve` over `ehr`, with everything under `root`; stopped by its PID."""
    write_screen_maps(root / "maps")
    port = free_port()
    environment = system_environment(root, ehr, port)
    command = [sys.executable, "-m", "retrofhir"]
    log_path = root / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([*command, "serve"], stdout=log, stderr=subprocess.STDOUT, env=environment)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ready(f"http://127.0.0.1:{port}/fhir/legacy-web/metadata"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"retrofhir serve did not start: {log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
        facade = FacadeSettings(port=port, public_base_url=f"http://127.0.0.1:{port}")
        tokens = DemoClientTokens(Settings(data_dir=root / "var", facade=facade))
        tokens.current()
        yield RunningSystem(f"http://127.0.0.1:{port}", root / "var", environment, tokens, process.pid, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

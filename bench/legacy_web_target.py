"""What the web benchmarks run against: the practice web EHR, one shared Chromium, and engine runtimes over both.

    async with legacy_web_target() as target:
        runtime = target.runtime()              # a SourceRuntime over the EHR, screenshots off, its own pool
        mrns = target.mrns                      # medical record numbers of seeded patients to read

The EHR runs with more seats than the screen map's limit so that the engine's sessions and the raw script's
sessions can be logged in at the same time (each side still uses at most the map's seat limit).
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bots.credentials import CredentialStore
from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.engine import SourceRuntime
from bots.map_loader import load_screen_map
from bots.observer import RunObserver
from bots.screen_map import ScreenMap
from practice_ehrs.legacy_web.runner import LegacyWebServer, running_legacy_web
from retrofhir.config import PROJECT_ROOT, BrowserSettings

SCREEN_MAP = PROJECT_ROOT / "screen_maps" / "legacy_web.yaml"
USERNAME, PASSWORD = "nurse", "nurse123"
CREDENTIALS = {"LEGACY_WEB_USERNAME": USERNAME, "LEGACY_WEB_PASSWORD": PASSWORD}
SERVER_SEATS = 12
PATIENTS_READ = 40


@dataclass
class WebTarget:
    """A running practice web EHR plus the browser every web benchmark shares."""

    server: LegacyWebServer
    screen_map: ScreenMap
    browser_host: BrowserHost
    launch_options: LaunchOptions
    mrns: list[str]
    runtimes: list[SourceRuntime] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def runtime(self, observer: RunObserver | None = None, screenshots: bool = False) -> SourceRuntime:
        """A fresh engine runtime (its own session pool) on the shared browser; closed with the target."""
        runtime = SourceRuntime(
            self.screen_map,
            base_url=self.base_url,
            credentials=CredentialStore(environment=CREDENTIALS),
            browser_host=self.browser_host,
            observer=observer,
            screenshots=screenshots,
        )
        self.runtimes.append(runtime)
        return runtime


@asynccontextmanager
async def legacy_web_target() -> AsyncIterator[WebTarget]:
    """Start the practice web EHR on a free port over a fresh database, and one Chromium; stop both after."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-web-") as directory,
        running_legacy_web(Path(directory) / "web.sqlite", knobs={"seat_limit": SERVER_SEATS}) as server,
    ):
        rows = server.query("SELECT mrn FROM patients ORDER BY id LIMIT ?", (PATIENTS_READ,))
        screen_map = load_screen_map(SCREEN_MAP)
        options = LaunchOptions.for_source(BrowserSettings(), screen_map.source.host_resolver_exclusions)
        target = WebTarget(server, screen_map, BrowserHost(), options, [str(row["mrn"]) for row in rows])
        try:
            yield target
        finally:
            for runtime in target.runtimes:
                await runtime.close()
            await target.browser_host.close()

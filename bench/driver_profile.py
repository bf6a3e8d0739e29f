"""Where an engine read spends its time: every driver call counted and timed, the rest is the engine's own work.

    runtime = profiled_runtime(target, profile)        # a SourceRuntime whose web drivers report to `profile`
    await runtime.read("Patient", mrn)
    profile.summary(reads=1)                           # "goto 2x 61.0 ms, find_all 18x 40.2 ms, ..."

Used for a separate pass after the measured runs, so the counting never touches the numbers in the table.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from bench.legacy_web_target import CREDENTIALS, WebTarget
from bots.credentials import CredentialStore
from bots.drivers.web import WebDriver
from bots.engine import SourceRuntime

TIMED_CALLS = frozenset(
    {
        "goto",
        "go_back",
        "signals",
        "probe",
        "has_text",
        "find_all",
        "find_batch",
        "find_table_batch",
        "read",
        "click",
        "screenshot",
    }
)


class DriverProfile:
    """Driver call counts and seconds, by method name."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)

    def clear(self) -> None:
        self.calls.clear()
        self.seconds.clear()

    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def round_trips(self) -> int:
        return sum(self.calls.values())

    def summary(self, reads: int) -> str:
        parts = [
            f"{name} {self.calls[name] / reads:.0f}x {self.seconds[name] / reads * 1000:.1f} ms"
            for name in sorted(self.calls, key=lambda name: -self.seconds[name])
        ]
        return ", ".join(parts)


class ProfiledDriver:
    """A web driver whose browser-touching calls are counted and timed; everything else passes straight on."""

    def __init__(self, inner: WebDriver, profile: DriverProfile) -> None:
        self._inner = inner
        self._profile = profile
        self.kind = inner.kind

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name not in TIMED_CALLS:
            return attribute
        return self._timed(name, attribute)

    def _timed(self, name: str, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await call(*args, **kwargs)
            finally:
                self._profile.calls[name] += 1
                self._profile.seconds[name] += time.perf_counter() - started

        return timed


def profiled_runtime(target: WebTarget, profile: DriverProfile) -> SourceRuntime:
    """A runtime like `target.runtime()` (no screenshots) whose drivers report to `profile`."""
    source = target.screen_map.source

    def driver() -> ProfiledDriver:
        inner = WebDriver(target.browser_host, target.launch_options, target.base_url, source.timeouts)
        return ProfiledDriver(inner, profile)

    runtime = SourceRuntime(
        target.screen_map,
        base_url=target.base_url,
        credentials=CredentialStore(environment=CREDENTIALS),
        driver_factory=driver,
        screenshots=False,
    )
    target.runtimes.append(runtime)
    return runtime

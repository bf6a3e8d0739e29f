"""One Chromium per process (per distinct launch options), shared by every web session as separate contexts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, Playwright, async_playwright

from retrofhir.config import BrowserSettings


@dataclass(frozen=True)
class LaunchOptions:
    executable_path: Path
    headless: bool
    host_resolver_rules: str

    @classmethod
    def for_source(cls, settings: BrowserSettings, exclusions: list[str]) -> LaunchOptions:
        """The configured resolver rules plus the source's own hosts, which must stay reachable."""
        rules = settings.host_resolver_rules
        for host in exclusions:
            rules += f" , EXCLUDE {host}"
        return cls(settings.executable_path, settings.headless, rules)


class BrowserHost:
    """Starts Playwright and browsers lazily and closes them all at once."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browsers: dict[LaunchOptions, Browser] = {}
        self._lock = asyncio.Lock()

    async def browser(self, options: LaunchOptions) -> Browser:
        async with self._lock:
            existing = self._browsers.get(options)
            if existing is not None and existing.is_connected():
                return existing
            if self._playwright is None:
                self._playwright = await async_playwright().start()
            browser = await self._playwright.chromium.launch(
                executable_path=str(options.executable_path),
                headless=options.headless,
                args=[f"--host-resolver-rules={options.host_resolver_rules}"],
            )
            self._browsers[options] = browser
            return browser

    async def close(self) -> None:
        async with self._lock:
            for browser in self._browsers.values():
                if browser.is_connected():
                    await browser.close()
            self._browsers.clear()
            if self._playwright is not None:
                await self._playwright.stop()
                self._playwright = None

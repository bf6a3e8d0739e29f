"""Fixtures for bot tests: an asyncio runner for the whole session, a static page server, the legacy web runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from bots.credentials import CredentialStore
from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.web import WebDriver
from bots.engine import SourceRuntime
from bots.map_loader import load_screen_map
from bots.observer import RunObserver
from bots.screen_map import ScreenMap
from practice_ehrs.legacy_web.runner import LegacyWebServer
from retrofhir.config import PROJECT_ROOT
from tests.web_fixtures import open_web_driver, serve_directory

PAGES = Path(__file__).parent / "pages"
NURSE = {"LEGACY_WEB_USERNAME": "nurse", "LEGACY_WEB_PASSWORD": "nurse123"}
RuntimeFactory = Callable[..., SourceRuntime]


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def static_site() -> Iterator[str]:
    """The pages under tests/bots/pages, served on a free 127.0.0.1 port."""
    with serve_directory(PAGES) as base_url:
        yield base_url


@pytest.fixture
def form_element_seconds() -> float:
    """How long `form_driver` waits for an element; a test module that wants another bound overrides this fixture."""
    return 5


@pytest.fixture
async def form_driver(
    browser_host: BrowserHost, launch_options: LaunchOptions, static_site: str, form_element_seconds: float
) -> AsyncIterator[WebDriver]:
    """A web driver on the static test site's form page (tests/bots/pages/form.html)."""
    async with open_web_driver(
        browser_host, launch_options, static_site, "/form.html", element_seconds=form_element_seconds
    ) as web:
        yield web


@pytest.fixture(scope="session")
def legacy_web_map() -> ScreenMap:
    return load_screen_map(PROJECT_ROOT / "screen_maps" / "legacy_web.yaml")


@pytest.fixture
async def make_runtime(
    legacy_web_clean: LegacyWebServer, legacy_web_map: ScreenMap, browser_host: BrowserHost
) -> AsyncIterator[RuntimeFactory]:
    """Build runtimes over the freshly reset practice web EHR; all are closed after the test."""
    made: list[SourceRuntime] = []

    def make(
        screen_map: ScreenMap | None = None,
        environment: dict[str, str] | None = None,
        base_url: str | None = None,
        observer: RunObserver | None = None,
    ) -> SourceRuntime:
        runtime = SourceRuntime(
            screen_map or legacy_web_map,
            base_url=base_url or legacy_web_clean.base_url,
            credentials=CredentialStore(environment=NURSE if environment is None else environment),
            browser_host=browser_host,
            observer=observer,
            screenshots=observer is not None,
        )
        made.append(runtime)
        return runtime

    try:
        yield make
    finally:
        for runtime in made:
            await runtime.close()

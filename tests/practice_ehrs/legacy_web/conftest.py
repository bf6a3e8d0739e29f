"""Fixtures for driving the practice web EHR through real Chromium: one browser, a fresh context per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from practice_ehrs.legacy_web.runner import LegacyWebServer
from retrofhir.config import BrowserSettings
from tests.practice_ehrs.legacy_web.browsing import log_in


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    settings = BrowserSettings()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(settings.executable_path),
            args=[f"--host-resolver-rules={settings.host_resolver_rules}"],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def web_page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def nurse_page(chromium: Browser, legacy_web: LegacyWebServer) -> Iterator[Page]:
    """One logged-in page shared by a module of read-only tests (the server is reset first to free seats)."""
    legacy_web.reset()
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, legacy_web)
        yield page
    finally:
        context.close()

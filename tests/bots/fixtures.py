"""Pytest plugin shared by the bot tests and the standard screen-map suite: ONE Chromium for the test session.

Tests that use it declare a session-scoped `anyio_backend` returning "asyncio" (see tests/bots/conftest.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.drivers.browser import BrowserHost, LaunchOptions
from retrofhir.config import BrowserSettings


@pytest.fixture(scope="session")
def launch_options() -> LaunchOptions:
    return LaunchOptions.for_source(BrowserSettings(), [])


@pytest.fixture(scope="session")
async def browser_host() -> AsyncIterator[BrowserHost]:
    """The browser process of the test session (started on first use); each session opens its own context."""
    host = BrowserHost()
    try:
        yield host
    finally:
        await host.close()

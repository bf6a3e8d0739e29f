"""Recognising screens: all of a screen's signals must hold; error screens end the flow with their typed error.

Each poll is one look at the screen (`look`): a driver that can probe checks every candidate screen's texts and
elements together with the signals in one call. `wait_for_screen` polls until one of the expected screens shows,
an error screen (login, 500, not found, the legacy validation banner, seats full) shows, or the timeout passes.
While no known screen shows, the source's `unexpected_screen` hook (if given) may clear an interruption; the
screen is then looked at again at once. It never waits longer than asked.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable

from bots.drivers.base import Driver, ScreenProbe, ScreenProber, ScreenSignals
from bots.errors import (
    BotError,
    LegacyServerError,
    LegacyValidationError,
    LoginRejected,
    RecordNotFound,
    ScreenNotRecognized,
    SeatsExhausted,
    SessionExpired,
    StepTimeout,
)
from bots.locators import Locator
from bots.map_models import Screen, ScreenKind
from bots.screen_map import ScreenMap

POLL_SECONDS = 0.05


class Evidence:
    """What one look at the screen established (a probe), asking the driver only about what it did not cover."""

    def __init__(self, driver: Driver, probe: ScreenProbe) -> None:
        self.driver = driver
        self.signals = probe.signals
        self._probe = probe

    async def has_text(self, text: str) -> bool:
        shown = self._probe.texts.get(text)
        return await self.driver.has_text(text) if shown is None else shown

    async def has_element(self, locator: Locator) -> bool:
        count = self._probe.counts.get(locator)
        return bool(await self.driver.find_all(locator)) if count is None else count > 0


def _url_allows(screen: Screen, url: str | None) -> bool:
    pattern = screen.recognize.url
    return pattern is None or (url is not None and re.search(pattern, url) is not None)


async def look(driver: Driver, screens: list[Screen]) -> Evidence:
    """The screen's signals, with these screens' texts and elements checked in the same look when the driver can.

    Only screens whose URL pattern allows the address shown now are probed (a driver knows its address without
    asking the UI); anything not probed is asked about on its own when a screen needs it.
    """
    if not isinstance(driver, ScreenProber):
        return Evidence(driver, ScreenProbe(await driver.signals()))
    url = driver.current_url()
    texts: dict[str, None] = {}
    locators: dict[Locator, None] = {}
    for screen in screens:
        if _url_allows(screen, url):
            texts.update(dict.fromkeys(screen.recognize.text))
            locators.update(dict.fromkeys(screen.recognize.elements))
    return Evidence(driver, await driver.probe(list(texts), list(locators)))


async def screen_matches(driver: Driver | Evidence, screen: Screen, signals: ScreenSignals) -> bool:
    evidence = driver if isinstance(driver, Evidence) else Evidence(driver, ScreenProbe(signals))
    recognize = screen.recognize
    if not _url_allows(screen, signals.url):
        return False
    if recognize.title is not None and (signals.title is None or not re.search(recognize.title, signals.title)):
        return False
    for text in recognize.text:
        if not await evidence.has_text(text):
            return False
    for locator in recognize.elements:
        if not await evidence.has_element(locator):
            return False
    return True


def error_for(kind: ScreenKind, name: str, expected: list[str], logging_in: bool) -> BotError:
    wanted = ", ".join(expected)
    if kind == ScreenKind.LOGIN:
        if logging_in:
            return LoginRejected("the legacy system refused the configured credentials", screen=name)
        return SessionExpired(f"the login screen appeared instead of {wanted}", screen=name)
    if kind == ScreenKind.SEATS_EXHAUSTED:
        return SeatsExhausted("every concurrent-login seat of the legacy system is in use", screen=name)
    if kind == ScreenKind.SERVER_ERROR:
        return LegacyServerError(f"the legacy system showed its error page instead of {wanted}", screen=name)
    if kind == ScreenKind.NOT_FOUND:
        return RecordNotFound("the legacy system has no such record", screen=name)
    return LegacyValidationError("the legacy system rejected the input with its own error message", screen=name)


async def wait_for_screen(
    driver: Driver,
    screen_map: ScreenMap,
    expected: list[str],
    timeout_seconds: float,
    *,
    logging_in: bool = False,
    unexpected: Callable[[], Awaitable[bool]] | None = None,
) -> str:
    """The name of the expected screen now showing; raises the typed error of an error screen instead.

    `unexpected` is awaited when no known screen shows (and none is loading); True means it cleared something,
    and it is asked again only once the address or title differs from where it last cleared something.
    """
    deadline = time.monotonic() + timeout_seconds
    watch = [name for name, screen in screen_map.screens.items() if screen.kind != ScreenKind.PAGE]
    watch = [name for name in watch if name not in expected]
    candidates = [screen_map.screens[name] for name in [*expected, *watch]]
    cleared_at: tuple[str | None, str | None] | None = None
    while True:
        evidence = await look(driver, candidates)
        signals = evidence.signals
        if not signals.loading:
            for name in expected:
                if await screen_matches(evidence, screen_map.screens[name], signals):
                    return name
            for name in watch:
                screen = screen_map.screens[name]
                if await screen_matches(evidence, screen, signals):
                    raise error_for(screen.kind, name, expected, logging_in)
        if time.monotonic() >= deadline:
            raise _timed_out(signals, expected, timeout_seconds)
        where = (signals.url, signals.title)
        if not signals.loading and unexpected is not None and where != cleared_at and await unexpected():
            cleared_at = where  # not asked again until the screen moved on (the click may still be navigating)
            continue
        await asyncio.sleep(POLL_SECONDS)


def _timed_out(signals: ScreenSignals, expected: list[str], timeout_seconds: float) -> BotError:
    wanted = ", ".join(expected)
    if signals.loading:
        return StepTimeout(f"the screen was still loading after {timeout_seconds} s (expected {wanted})")
    if signals.http_status is not None and signals.http_status >= 500:
        return LegacyServerError(f"HTTP {signals.http_status} instead of {wanted}")
    return ScreenNotRecognized(f"none of the expected screens ({wanted}) is showing")

"""Recognising screens: all of a screen's signals must hold; error screens end the flow with their typed error.

`wait_for_screen` polls until one of the expected screens shows, an error screen (login, 500, not found, the
legacy validation banner, seats full) shows, or the timeout passes. It never waits longer than asked.
"""

from __future__ import annotations

import asyncio
import re
import time

from bots.drivers.base import Driver, ScreenSignals
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
from bots.map_models import Screen, ScreenKind
from bots.screen_map import ScreenMap

POLL_SECONDS = 0.05


async def screen_matches(driver: Driver, screen: Screen, signals: ScreenSignals) -> bool:
    recognize = screen.recognize
    if recognize.url is not None and (signals.url is None or not re.search(recognize.url, signals.url)):
        return False
    if recognize.title is not None and (signals.title is None or not re.search(recognize.title, signals.title)):
        return False
    for text in recognize.text:
        if not await driver.has_text(text):
            return False
    for locator in recognize.elements:
        if not await driver.find_all(locator):
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
) -> str:
    """The name of the expected screen now showing; raises the typed error of an error screen instead."""
    deadline = time.monotonic() + timeout_seconds
    watch = [name for name, screen in screen_map.screens.items() if screen.kind != ScreenKind.PAGE]
    watch = [name for name in watch if name not in expected]
    while True:
        signals = await driver.signals()
        if not signals.loading:
            for name in expected:
                if await screen_matches(driver, screen_map.screens[name], signals):
                    return name
            for name in watch:
                screen = screen_map.screens[name]
                if await screen_matches(driver, screen, signals):
                    raise error_for(screen.kind, name, expected, logging_in)
        if time.monotonic() >= deadline:
            raise _timed_out(signals, expected, timeout_seconds)
        await asyncio.sleep(POLL_SECONDS)


def _timed_out(signals: ScreenSignals, expected: list[str], timeout_seconds: float) -> BotError:
    wanted = ", ".join(expected)
    if signals.loading:
        return StepTimeout(f"the screen was still loading after {timeout_seconds} s (expected {wanted})")
    if signals.http_status is not None and signals.http_status >= 500:
        return LegacyServerError(f"HTTP {signals.http_status} instead of {wanted}")
    return ScreenNotRecognized(f"none of the expected screens ({wanted}) is showing")

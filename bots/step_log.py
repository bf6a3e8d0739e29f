"""Report each step of a run to the observer: what was done, where, how the element was found, and a screenshot.

Observers must not raise into the bot; if one does, the error is swallowed here (and counted) so that the audit
hook can never change what a bot does. Secret values are masked before they leave the engine.

A screenshot is taken after every step that can change the screen (and after every failure); steps that only read
(`read`, `readtable`, `emit`) share the screenshot of the screen they read, and a `goto` is held back until the
next screenshot (normally its `expect`'s) and carries that one, because nothing was done in between.

A driver that can capture in the background (`BackgroundCapture`: the web driver) is asked to capture and then
report the step's records, so the steps that only read the same screen run while Chromium draws and encodes it;
their records wait with the capture's and go out with its picture, and the bot does not wait for it until a step
can change the screen or the run ends. Such a driver makes every action that can change the screen wait until the
capture is done, so the picture is always of the step's own screen and the observer hears of a step before the
screen changes again. `flush` must be called when a run's steps are done: it reports whatever still waits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from bots.drivers.base import Driver
from bots.errors import BotError, ErrorSummary
from bots.locators import Located
from bots.observer import RunObserver, StepOutcome, StepRecord

MASK = "******"
UNCHANGING_ACTIONS = frozenset({"read", "readtable", "emit"})


@runtime_checkable
class BackgroundCapture(Protocol):
    """A driver that can capture the screen while read-only work goes on, holding back changes until it is done."""

    def start_screenshot(self, then: Callable[[bytes | None], Awaitable[None]]) -> asyncio.Future[None]:
        """Capture the screen as it is now, then hand the picture (None if it failed) to `then`."""
        ...


@dataclass
class StepDetail:
    """What one step touched, filled in as the step runs."""

    screen: str | None = None
    field_name: str | None = None
    located: Located | None = None
    value: str | None = None
    secret: bool = False
    ocr_confidence: float | None = None


@dataclass
class StepLog:
    """Numbers the steps of one run and hands them to the observer with a screenshot each."""

    run_id: str
    observer: RunObserver
    driver: Driver
    screenshots: bool = True
    _last_screenshot: bytes | None = None
    _held: list[StepRecord] = field(default_factory=list)
    _capturing: asyncio.Future[None] | None = None
    next_index: int = 0
    observer_failures: int = 0
    drift: list[str] = field(default_factory=list)

    async def record(
        self, action: str, started: float, details: list[StepDetail], error: BotError | None = None
    ) -> None:
        """One StepRecord per element the step touched (or one for the step), all sharing one screenshot."""
        duration_ms = (time.perf_counter() - started) * 1000
        records = [self._step_record(action, duration_ms, detail, error) for detail in details or [StepDetail()]]
        if (
            action in UNCHANGING_ACTIONS
            and error is None
            and self._capturing is not None
            and not self._capturing.done()
        ):
            # Still on the screen being captured: these steps share its picture and go out with it, and the bot
            # goes on (the rest of the flow, mapping the values) while Chromium draws it.
            self._held += records
            return
        await self._finish_capture()
        if not self.screenshots:
            await self._emit_all(records, None)
        elif action == "goto" and error is None:
            self._last_screenshot = None
            self._held += records
        elif action in UNCHANGING_ACTIONS and error is None and self._last_screenshot is not None:
            await self._emit_all(records, self._last_screenshot)
        elif isinstance(self.driver, BackgroundCapture):
            self._held += records
            self._capturing = self.driver.start_screenshot(self._release_held)
        else:
            self._held += records
            await self._release_held(await self._capture())

    async def flush(self) -> None:
        """Report every step still waiting: for a capture in flight, or held back after a `goto` (a picture of now)."""
        await self._finish_capture()
        if self._held:
            await self._release_held(await self._capture())

    async def _finish_capture(self) -> None:
        capturing, self._capturing = self._capturing, None
        if capturing is not None:
            await capturing

    async def _release_held(self, screenshot: bytes | None) -> None:
        self._last_screenshot = screenshot
        held, self._held = self._held, []
        await self._emit_all(held, screenshot)

    async def _emit_all(self, steps: list[StepRecord], screenshot: bytes | None) -> None:
        for step in steps:
            await self._emit(replace(step, screenshot_png=screenshot))

    def _step_record(self, action: str, duration_ms: float, detail: StepDetail, error: BotError | None) -> StepRecord:
        located = detail.located
        drifted = located is not None and located.drifted
        if located is not None and drifted:
            self.drift.append(f"{detail.screen}.{detail.field_name}: locator #{located.rank}")
        outcome = StepOutcome.FAILED if error else StepOutcome.DRIFT if drifted else StepOutcome.OK
        masked = detail.secret and detail.value is not None
        step = StepRecord(
            run_id=self.run_id,
            index=self.next_index,
            action=action,
            started_at=datetime.now(UTC),
            duration_ms=duration_ms,
            outcome=outcome,
            screen=detail.screen,
            field_name=detail.field_name,
            locator_kind=located.locator.kind if located else None,
            locator_rank=located.rank if located else None,
            locator_description=located.locator.describe() if located else None,
            box=located.element.box if located else None,
            value=MASK if masked else detail.value,
            value_masked=masked,
            ocr_confidence=detail.ocr_confidence,
            error=ErrorSummary.of(error) if error else None,
        )
        self.next_index += 1
        return step

    async def _emit(self, step: StepRecord) -> None:
        try:
            await self.observer.step(step)
        except Exception:  # an audit hook must never change what the bot does
            self.observer_failures += 1

    async def _capture(self) -> bytes | None:
        try:
            return await self.driver.screenshot()
        except Exception:  # a screen that cannot be captured is recorded without a picture
            return None

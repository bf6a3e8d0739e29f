"""Report each step of a run to the observer: what was done, where, how the element was found, and a screenshot.

Observers must not raise into the bot; if one does, the error is swallowed here (and counted) so that the audit
hook can never change what a bot does. Secret values are masked before they leave the engine.

A screenshot is taken after every step that can change the screen (and after every failure); steps that only read
(`read`, `readtable`, `emit`) share the screenshot of the screen they read, and a `goto` is held back until the
next screenshot (normally its `expect`'s) and carries that one, because nothing was done in between.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bots.drivers.base import Driver
from bots.errors import BotError, ErrorSummary
from bots.locators import Located
from bots.observer import RunObserver, StepOutcome, StepRecord

MASK = "******"
UNCHANGING_ACTIONS = frozenset({"read", "readtable", "emit"})


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
    next_index: int = 0
    observer_failures: int = 0
    drift: list[str] = field(default_factory=list)

    async def record(
        self, action: str, started: float, details: list[StepDetail], error: BotError | None = None
    ) -> None:
        """One StepRecord per element the step touched (or one for the step), all sharing one screenshot."""
        duration_ms = (time.perf_counter() - started) * 1000
        if action == "goto" and error is None and self.screenshots:
            self._last_screenshot = None
            self._held += [self._step_record(action, duration_ms, detail, None, None) for detail in details]
            return
        screenshot = await self._screenshot(action, error is not None)
        await self._release_held(screenshot)
        for detail in details or [StepDetail()]:
            await self._emit(self._step_record(action, duration_ms, detail, error, screenshot))

    async def flush(self) -> None:
        """Report steps still held back (a run that ended right after a `goto`), with a screenshot of now."""
        if self._held:
            await self._release_held(await self._capture())

    async def _release_held(self, screenshot: bytes | None) -> None:
        held, self._held = self._held, []
        for step in held:
            await self._emit(replace(step, screenshot_png=screenshot))

    def _step_record(
        self, action: str, duration_ms: float, detail: StepDetail, error: BotError | None, screenshot: bytes | None
    ) -> StepRecord:
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
            screenshot_png=screenshot,
        )
        self.next_index += 1
        return step

    async def _emit(self, step: StepRecord) -> None:
        try:
            await self.observer.step(step)
        except Exception:  # an audit hook must never change what the bot does
            self.observer_failures += 1

    async def _screenshot(self, action: str, failed: bool) -> bytes | None:
        if not self.screenshots:
            return None
        if action in UNCHANGING_ACTIONS and not failed and self._last_screenshot is not None:
            return self._last_screenshot
        self._last_screenshot = await self._capture()
        return self._last_screenshot

    async def _capture(self) -> bytes | None:
        try:
            return await self.driver.screenshot()
        except Exception:  # a screen that cannot be captured is recorded without a picture
            return None

"""Report each step of a run to the observer: what was done, where, how the element was found, and a screenshot.

Observers must not raise into the bot; if one does, the error is swallowed here (and counted) so that the audit
hook can never change what a bot does. Secret values are masked before they leave the engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bots.drivers.base import Driver
from bots.errors import BotError, ErrorSummary
from bots.locators import Located
from bots.observer import RunObserver, StepOutcome, StepRecord

MASK = "******"


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
    next_index: int = 0
    observer_failures: int = 0
    drift: list[str] = field(default_factory=list)

    async def record(
        self, action: str, started: float, details: list[StepDetail], error: BotError | None = None
    ) -> None:
        """One StepRecord per element the step touched (or one for the step), all sharing one screenshot."""
        screenshot = await self._screenshot()
        duration_ms = (time.perf_counter() - started) * 1000
        for detail in details or [StepDetail()]:
            await self._emit(self._step_record(action, duration_ms, detail, error, screenshot))

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

    async def _screenshot(self) -> bytes | None:
        if not self.screenshots:
            return None
        try:
            return await self.driver.screenshot()
        except Exception:  # a screen that cannot be captured is recorded without a picture
            return None

"""The engine's RunObserver backed by the audit trail: every record goes to the background writer as it happens.

A run's start and each step are handed over at once without waiting (the writer commits whatever has queued up in
one transaction, while the bot waits on its browser), so a run whose process dies is kept up to its last committed
step and shown as interrupted. `run_finished` hands over the end and waits for its commit, which follows every
earlier record of the run, so a FHIR response never outlives its evidence.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from datetime import UTC, datetime

from audit.records import RunStart
from audit.trail import TrailItem
from audit.writer import TrailWriter
from bots.observer import RunInfo, RunResult, StepRecord

logger = logging.getLogger(__name__)


class AuditObserver:
    """Implements bots.observer.RunObserver; never raises into the bot."""

    def __init__(self, writer: TrailWriter) -> None:
        self.writer = writer

    async def run_started(self, run: RunInfo) -> None:
        await self._hand_over(RunStart(run, datetime.now(UTC)))

    async def step(self, record: StepRecord) -> None:
        await self._hand_over(record)

    async def run_finished(self, result: RunResult) -> None:
        done = await self._hand_over(result)
        if done is not None:
            try:
                await asyncio.wrap_future(done)
            except Exception:
                logger.exception("audit trail could not commit a run")

    async def _hand_over(self, item: TrailItem) -> Future[None] | None:
        try:
            done = self.writer.try_submit([item])
            if done is None:
                done = await asyncio.to_thread(self.writer.submit, [item])
        except Exception:
            logger.exception("audit trail could not queue a run's record")
            return None
        return done

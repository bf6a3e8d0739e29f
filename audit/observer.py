"""The engine's RunObserver backed by the audit trail: steps go to the background writer, run ends are awaited."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from audit.records import RunStart
from audit.writer import TrailWriter
from bots.observer import RunInfo, RunResult, StepRecord

logger = logging.getLogger(__name__)


class AuditObserver:
    """Implements bots.observer.RunObserver; never raises into the bot.

    `step` returns as soon as the record is queued (hash, encrypt and commit happen on the writer thread);
    `run_finished` waits until the whole run is committed, so a FHIR response never outlives its evidence.
    """

    def __init__(self, writer: TrailWriter) -> None:
        self.writer = writer

    async def run_started(self, run: RunInfo) -> None:
        await self._queue(RunStart(run, datetime.now(UTC)))

    async def step(self, record: StepRecord) -> None:
        await self._queue(record)

    async def run_finished(self, result: RunResult) -> None:
        try:
            done = self.writer.try_submit(result)
            if done is None:
                done = await asyncio.to_thread(self.writer.submit, result)
            await asyncio.wrap_future(done)
        except Exception:
            logger.exception("audit trail could not record the end of a run")

    async def _queue(self, item: RunStart | StepRecord) -> None:
        try:
            if self.writer.try_submit(item) is None:
                await asyncio.to_thread(self.writer.submit, item)
        except Exception:
            logger.exception("audit trail could not queue a record")

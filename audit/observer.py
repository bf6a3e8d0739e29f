"""The engine's RunObserver backed by the audit trail: a run's records are handed to the writer in one batch.

A step costs the bot a list append. At the run's end the whole run goes to the background writer and
`run_finished` waits for its commit, so a FHIR response never outlives its evidence. Runs longer than FLUSH_AT
steps are handed over in parts without waiting. What a crash can lose is a run still in progress.
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

FLUSH_AT = 64


class AuditObserver:
    """Implements bots.observer.RunObserver; never raises into the bot."""

    def __init__(self, writer: TrailWriter) -> None:
        self.writer = writer
        self._buffers: dict[str, list[TrailItem]] = {}

    async def run_started(self, run: RunInfo) -> None:
        self._buffers[run.run_id] = [RunStart(run, datetime.now(UTC))]

    async def step(self, record: StepRecord) -> None:
        buffer = self._buffers.setdefault(record.run_id, [])
        buffer.append(record)
        if len(buffer) >= FLUSH_AT:
            self._buffers[record.run_id] = []
            await self._hand_over(buffer)

    async def run_finished(self, result: RunResult) -> None:
        buffer = self._buffers.pop(result.run_id, [])
        buffer.append(result)
        done = await self._hand_over(buffer)
        if done is not None:
            try:
                await asyncio.wrap_future(done)
            except Exception:
                logger.exception("audit trail could not commit a run")

    async def _hand_over(self, items: list[TrailItem]) -> Future[None] | None:
        try:
            done = self.writer.try_submit(items)
            if done is None:
                done = await asyncio.to_thread(self.writer.submit, items)
        except Exception:
            logger.exception("audit trail could not queue a run's records")
            return None
        return done

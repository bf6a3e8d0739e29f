"""The engine's RunObserver backed by the audit trail: records go to the background writer as the run goes on.

A step costs the bot a list append. The records reported together (the engine reports a screen's steps in one
burst, when its screenshot is ready) are handed to the writer in one batch as soon as the bot next yields to the
event loop, without waiting; the writer commits them while the bot works on. So a run whose process dies is kept
up to its last committed screen and shown as interrupted, with one cross-thread hand-off per screen rather than
per step (under CPU contention a hand-off per step cost more than the writing). `run_finished` hands over the end
and waits for its commit, which follows every earlier record of the run, so a FHIR response never outlives its
evidence. When the writer's queue is full, records wait for the next hand-over that may wait for room.
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
        self._pending: list[TrailItem] = []
        self._hand_over_scheduled = False

    async def run_started(self, run: RunInfo) -> None:
        self._queue(RunStart(run, datetime.now(UTC)))

    async def step(self, record: StepRecord) -> None:
        self._queue(record)

    async def run_finished(self, result: RunResult) -> None:
        self._pending.append(result)
        items, self._pending = self._pending, []
        try:
            done = self.writer.try_submit(items)
            if done is None:
                done = await asyncio.to_thread(self.writer.submit, items)
            await asyncio.wrap_future(done)
        except Exception:
            logger.exception("audit trail could not commit a run")

    def _queue(self, item: TrailItem) -> None:
        self._pending.append(item)
        if not self._hand_over_scheduled:
            self._hand_over_scheduled = True
            asyncio.get_running_loop().call_soon(self._hand_over)

    def _hand_over(self) -> None:
        self._hand_over_scheduled = False
        if not self._pending:
            return
        try:
            done: Future[None] | None = self.writer.try_submit(self._pending)
        except Exception:
            logger.exception("audit trail could not queue a run's records")
            self._pending = []
            return
        if done is not None:
            self._pending = []

"""An in-process WriteQueue: runs each write at once through the source's provider, keeping jobs in memory.

It stands in for the scheduler's durable queue (same protocol) in tests and the embedded demo; jobs do not
survive a restart and nothing is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from bots.errors import BotError, ErrorSummary, WriteOutcomeUnknown
from fhir_facade.provider import Provider
from fhir_facade.write_queue import WriteInteraction, WriteRequest, WriteState, WriteStatus

logger = logging.getLogger(__name__)


class DirectWriteQueue:
    """Runs writes as asyncio tasks in this process."""

    def __init__(self, providers: Mapping[str, Provider]) -> None:
        self._providers = providers
        self._jobs: dict[str, WriteStatus] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        self._done: dict[str, asyncio.Event] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def enqueue(self, request: WriteRequest) -> WriteStatus:
        existing = self._by_key.get((request.source, request.idempotency_key))
        # A failed write may be asked for again; anything else (running, done, unknown) is the same write.
        if existing is not None and self._jobs[existing].state != WriteState.FAILED:
            return self._jobs[existing]
        job_id = uuid.uuid4().hex
        self._jobs[job_id] = WriteStatus(job_id, WriteState.QUEUED, request)
        self._by_key[(request.source, request.idempotency_key)] = job_id
        self._done[job_id] = asyncio.Event()
        task = asyncio.create_task(self._run(job_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return self._jobs[job_id]

    async def wait(self, job_id: str, timeout_seconds: float) -> WriteStatus:
        done = self._done.get(job_id)
        if done is None:
            raise KeyError(job_id)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=max(timeout_seconds, 0))
        return self._jobs[job_id]

    async def status(self, job_id: str) -> WriteStatus | None:
        return self._jobs.get(job_id)

    def _set(self, job_id: str, **changes: object) -> None:
        self._jobs[job_id] = replace(self._jobs[job_id], updated_at=datetime.now(UTC), **changes)  # type: ignore[arg-type]

    async def _run(self, job_id: str) -> None:
        request = self._jobs[job_id].request
        self._set(job_id, state=WriteState.RUNNING)
        provider = self._providers[request.source]
        try:
            if request.interaction == WriteInteraction.CREATE:
                result = await provider.create(request.resource)
            else:
                result = await provider.update(request.legacy_key or "", request.resource)
            self._set(job_id, state=WriteState.SUCCEEDED, result=result)
        except WriteOutcomeUnknown as error:
            self._set(job_id, state=WriteState.UNKNOWN, error=ErrorSummary.of(error))
        except BotError as error:
            self._set(job_id, state=WriteState.FAILED, error=ErrorSummary.of(error))
        except Exception:
            logger.exception("write job %s failed unexpectedly", job_id)
            self._set(job_id, state=WriteState.FAILED, error=ErrorSummary("Exception", "unexpected error in the write"))
        finally:
            self._done[job_id].set()

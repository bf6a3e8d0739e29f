"""APScheduler 4 wiring: one `SchedulerRuntime` per process runs the dispatcher, the workers and periodic jobs.

Embedded: SQLite files and an in-process event broker; the facade, scheduler and workers share one process.
Scale-out: PostgreSQL holds the write queue and APScheduler's data store, and `PsycopgEventBroker` carries
events between processes (`AsyncpgEventBroker` runs nothing with the anyio pinned here).

APScheduler needs importable job callables with serialisable arguments, so the job functions below are module
level and find their process's runtime through the scheduler that runs them.
"""

from __future__ import annotations

import logging
import os
import platform
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import anyio
from apscheduler import (
    AsyncScheduler,
    ConflictPolicy,
    Job,
    ScheduleLookupError,
    SchedulerRole,
    TaskDefaults,
    current_async_scheduler,
)
from apscheduler.datastores.sqlalchemy import SQLAlchemyDataStore
from apscheduler.eventbrokers.local import LocalEventBroker
from apscheduler.eventbrokers.psycopg import PsycopgEventBroker
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncEngine

from scheduler.claims import WriteClaims
from scheduler.database import create_engine, create_job_store_engine, create_schema, is_postgresql, schema_lock
from scheduler.executor import WorkerComponents
from scheduler.notify import Alerts, LoggedAlerts, WebhookAlerts
from scheduler.periodic import HealthMonitor, run_retention, run_sync
from scheduler.queue import QueueRetention, WriteQueue
from scheduler.records import WriteRecord, WriteSubmission
from scheduler.retry import RetryPolicy
from scheduler.settings import SchedulerSettings
from scheduler.status import WriteStatusService
from scheduler.sweeper import sweep_forever
from scheduler.worker import WriteWorker

logger = logging.getLogger(__name__)

_runtimes: dict[str, SchedulerRuntime] = {}


class _RunningJobs(set[Job]):
    """APScheduler 4.0.0a6 acquires a job again when its lease lapsed while it ran (an event loop stalled for longer
    than half the lease on a loaded machine); both runs then remove it from the scheduler's running set and the second
    removal's KeyError crashes the scheduler, leaving its process running no jobs. Our jobs are safe to run twice
    (a write is claimed under the queue's own lease), so a second removal is made harmless."""

    def remove(self, job: Job) -> None:
        self.discard(job)


def _runtime() -> SchedulerRuntime:
    scheduler = current_async_scheduler.get()
    if scheduler is None:
        raise RuntimeError("a RetroFHIR job ran outside an APScheduler scheduler")
    return _runtimes[scheduler.identity]


async def process_write_job(write_id: str) -> None:
    """APScheduler job: one attempt (or recovery) of one write."""
    runtime = _runtime()
    async with runtime.job_slot() as admitted:
        if admitted:
            await runtime.worker.process(write_id)
        else:
            await runtime.claims.undispatch(write_id)


async def sync_job(source: str) -> None:
    runtime = _runtime()
    sync_source = runtime.components.sync_sources.get(source)
    async with runtime.job_slot(f"sync:{source}") as admitted:
        if admitted and sync_source is not None:
            await run_sync(source, sync_source)


async def health_check_job(name: str) -> None:
    runtime = _runtime()
    check = runtime.components.health_checks.get(name)
    async with runtime.job_slot(f"health:{name}") as admitted:
        if admitted and check is not None:
            await runtime.health.run(name, check)


async def retention_job() -> None:
    runtime = _runtime()
    targets = [*runtime.components.retention_targets, QueueRetention(runtime.queue)]
    async with runtime.job_slot() as admitted:
        if admitted:
            await run_retention(targets, runtime.settings.retention_days)


class SchedulerRuntime:
    """The scheduler of one process: `async with SchedulerRuntime(...) as runtime:` then `runtime.submit(...)`."""

    def __init__(
        self,
        settings: SchedulerSettings,
        data_dir: Path,
        components: WorkerComponents | None = None,
        run_workers: bool = True,
        alerts: Alerts | None = None,
    ) -> None:
        self.settings = settings
        self.components = components if components is not None else WorkerComponents()
        self.run_workers = run_workers
        self.identity = f"{platform.node()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.engine: AsyncEngine = create_engine(settings.queue_url(data_dir))
        self._job_store_url = settings.job_store_url(data_dir)
        if alerts is not None:
            self.alerts = alerts
        elif settings.alert_webhook_url:
            self.alerts = WebhookAlerts(settings.alert_webhook_url)
        else:
            self.alerts = LoggedAlerts()
        self.queue = WriteQueue(self.engine, settings)
        self.claims = WriteClaims(self.engine, settings=settings)
        self.status = WriteStatusService(self.queue)
        self.health = HealthMonitor(self.engine, self.alerts)
        self.worker = WriteWorker(
            self.queue,
            self.claims,
            self.components.executors,
            RetryPolicy.from_settings(settings.retry),
            timedelta(seconds=settings.lease_seconds),
            self.identity,
            self.alerts,
            after_finish=self.dispatch_ready,
        )
        self._exit_stack = AsyncExitStack()
        self._scheduler: AsyncScheduler | None = None
        self._closing = False
        self._jobs_running = 0
        self._periodic_running: set[str] = set()

    @property
    def scheduler(self) -> AsyncScheduler:
        if self._scheduler is None:
            raise RuntimeError("the scheduler runtime is not started")
        return self._scheduler

    async def __aenter__(self) -> Self:
        try:
            await self._start(self._exit_stack)
        except BaseException:
            await self._exit_stack.aclose()
            raise
        logger.info("scheduler %s started (workers: %s)", self.identity, self.run_workers)
        return self

    async def _start(self, stack: AsyncExitStack) -> None:
        stack.push_async_callback(self.engine.dispose)
        await create_schema(self.engine)
        job_engine = self.engine if self.settings.database_url else create_job_store_engine(self._job_store_url)
        if job_engine is not self.engine:
            stack.push_async_callback(job_engine.dispose)
        broker = PsycopgEventBroker.from_async_sqla_engine(job_engine) if is_postgresql(job_engine) else None
        scheduler = AsyncScheduler(
            SQLAlchemyDataStore(job_engine),
            broker if broker is not None else LocalEventBroker(),
            identity=self.identity,
            role=SchedulerRole.both if self.run_workers else SchedulerRole.scheduler,
            max_concurrent_jobs=self.settings.max_concurrent_jobs,
            lease_duration=timedelta(seconds=self.settings.apscheduler_lease_seconds),
            # Every add_job/add_schedule re-applies the task defaults over configure_task's settings, so the
            # default itself must be "no limit": a limit of 1 meets the running-job count a SIGKILLed scheduler
            # leaves behind in the data store, and then no write job is ever acquired again.
            task_defaults=TaskDefaults(max_running_jobs=None),
            logger=logging.getLogger("apscheduler"),
        )
        scheduler._running_jobs = _RunningJobs()
        _runtimes[self.identity] = self
        stack.callback(_runtimes.pop, self.identity, None)
        # Starting schedulers race on APScheduler's schema and on replacing schedules: one at a time.
        async with schema_lock(job_engine):
            await stack.enter_async_context(scheduler)
            await self._configure(scheduler)
        self._scheduler = scheduler
        await scheduler.start_in_background()
        # The dispatcher runs in this process itself, not as an APScheduler schedule (see scheduler/sweeper.py).
        sweeping = await stack.enter_async_context(anyio.create_task_group())
        stack.callback(sweeping.cancel_scope.cancel)
        sweeping.start_soon(
            sweep_forever,
            self._sweep,
            scheduler,
            self.settings.sweep_interval_seconds,
            self.settings.apscheduler_lease_seconds,
        )

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        # Let running jobs finish (a write cut off mid-flow would wait for its lease to be recovered); cancelling
        # them mid-transaction can also leave SQLite connections closing behind a held lock.
        self._closing = True
        with anyio.move_on_after(self.settings.lease_seconds):
            while self._jobs_running:
                await anyio.sleep(0.05)
        self._scheduler = None
        await self._exit_stack.aclose()

    @asynccontextmanager
    async def job_slot(self, periodic: str | None = None) -> AsyncIterator[bool]:
        """Yields whether a job may run: False once the runtime is shutting down, or for a periodic job (`periodic`
        names it) whose previous run in this process has not finished (a slow canary must not pile up)."""
        if self._closing or (periodic is not None and periodic in self._periodic_running):
            yield False
            return
        self._jobs_running += 1
        if periodic is not None:
            self._periodic_running.add(periodic)
        try:
            yield True
        finally:
            self._jobs_running -= 1
            self._periodic_running.discard(periodic or "")

    async def _configure(self, scheduler: AsyncScheduler) -> None:
        # Concurrency is the write queue's business (seat budgets, per-patient order), not APScheduler's.
        for job in (process_write_job, sync_job, health_check_job, retention_job):
            await scheduler.configure_task(job, max_running_jobs=None, job_executor="async")
        # Earlier versions swept as a schedule; a store that still has it must not run it too.
        with suppress(ScheduleLookupError):
            await scheduler.remove_schedule("retrofhir:sweep")
        await self._every(scheduler, "retrofhir:retention", retention_job, self.settings.retention_interval_seconds)
        for source, limits in self.settings.sources.items():
            if limits.sync_interval_seconds and source in self.components.sync_sources:
                await self._every(scheduler, f"retrofhir:sync:{source}", sync_job, limits.sync_interval_seconds, source)
            if limits.health_check_interval_seconds and source in self.components.health_checks:
                await self._every(
                    scheduler,
                    f"retrofhir:health:{source}",
                    health_check_job,
                    limits.health_check_interval_seconds,
                    source,
                )

    async def _every(self, scheduler: AsyncScheduler, schedule_id: str, job: Any, seconds: float, *args: str) -> None:
        """Run `job` every `seconds`, the first time one interval from now (a start is not a reason to run a canary
        or a purge; the sweep's short interval makes its first run prompt anyway)."""
        trigger = IntervalTrigger(seconds=seconds, start_time=datetime.now(UTC) + timedelta(seconds=seconds))
        await scheduler.add_schedule(job, trigger, id=schedule_id, args=args, conflict_policy=ConflictPolicy.replace)

    async def submit(self, submission: WriteSubmission) -> tuple[WriteRecord, bool]:
        """Accept a write durably and dispatch it; a duplicate returns the first write's record and False."""
        record, created = await self.queue.submit(submission)
        if created:
            await self.dispatch_ready()
        return record, created

    async def _sweep(self) -> int:
        """Dispatch ready writes, including retries now due and writes of workers that died."""
        async with self.job_slot() as admitted:
            return await self.dispatch_ready() if admitted else 0

    async def dispatch_ready(self) -> int:
        """Hand every ready write to APScheduler as a job; workers in any process pick them up."""
        if self._closing:
            return 0
        ready = await self.claims.take_dispatchable(
            self.settings.max_concurrent_jobs * 4, timedelta(seconds=self.settings.redispatch_after_seconds)
        )
        for write_id in ready:
            await self.scheduler.add_job(process_write_job, args=[write_id])
        return len(ready)

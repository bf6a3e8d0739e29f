"""One running RetroFHIR: audit trail, bot runtimes, durable write queue, workers and the FHIR facade, wired.

    async with RetroFhirSystem(settings, run_workers=True) as system:
        system.app            # the FastAPI app to serve (facade + audit console + scheduler admin)

Every bot run, from the facade or from a worker, reports to the same audit observer. The facade's writes go
through the scheduler's durable queue; with `run_workers=False` this process only accepts and reports writes,
and `retrofhir worker` processes sharing the same databases (PostgreSQL) run them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Self

from fastapi import APIRouter, Depends, FastAPI

from audit.console.router import console_router
from audit.keys import NoAuditKey, append_new_key
from audit.observer import AuditObserver
from audit.trail import AuditTrail
from audit.writer import TrailWriter
from bots.drivers.browser import BrowserHost
from bots.engine import SourceRuntime
from bots.observer import RunObserver
from fhir_facade.app import create_app
from fhir_facade.audit_recorder import FhirAuditMiddleware, RequestJobWriteQueue, RequestRunObserver
from fhir_facade.audit_routes import audit_fhir_router
from fhir_facade.auth.dependencies import require_role
from fhir_facade.providers.audit_provider import AuditedProvider
from fhir_facade.providers.bot_provider import BotProvider
from fhir_facade.store import LocalStore
from retrofhir.config import Settings
from retrofhir.wiring.periodic import periodic_components
from retrofhir.wiring.sources import SourceSpec, discover_sources
from scheduler.admin_api import admin_router
from scheduler.bot_executor import BotWriteExecutor
from scheduler.database import create_engine
from scheduler.executor import WorkerComponents
from scheduler.facade_queue import FacadeWriteQueue
from scheduler.runtime import SchedulerRuntime
from scheduler.settings import SchedulerSettings, SourceLimits
from scheduler.write_history import WriteHistory

logger = logging.getLogger(__name__)

ADMIN_ROLE = "operator"


def open_audit_trail(settings: Settings) -> AuditTrail:
    """The configured audit trail; a first start without any key creates one (embedded default) and says so."""
    try:
        return AuditTrail.open(settings.audit, settings.data_dir)
    except NoAuditKey:
        key_file = settings.audit.resolved_key_file(settings.data_dir)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        # A unique id: processes starting together may each create one, and a key id must name one key.
        append_new_key(key_file, f"auto-{secrets.token_hex(6)}")
        logger.warning("no audit key was configured: created one in %s (keep it safe)", key_file)
        return AuditTrail.open(settings.audit, settings.data_dir)


def scheduler_settings_for(settings: Settings, sources: list[SourceSpec]) -> SchedulerSettings:
    """The scheduler section with a write budget for every source it does not configure itself, and the audit
    trail's retention (`[audit] retention_days`) unless the section names one.

    Writes of a web source get every seat but one (kept for reads); a desktop source has one screen.
    """
    scheduler = settings.scheduler
    limits = dict(scheduler.sources)
    for spec in sources:
        source = spec.screen_map.source
        if source.id not in limits:
            seats = max(1, source.seat_limit - 1)
            limits[source.id] = SourceLimits(kind=source.driver, seats=seats)
    retention_days = {"audit": settings.audit.retention_days, **scheduler.retention_days}
    return scheduler.model_copy(update={"sources": limits, "retention_days": retention_days})


class BotRuntimes:
    """One `SourceRuntime` per source, sharing one browser process and one audit observer."""

    def __init__(self, settings: Settings, sources: list[SourceSpec], observer: RunObserver) -> None:
        self.browser_host = BrowserHost()
        self.by_source = {
            spec.source_id: SourceRuntime(
                spec.screen_map,
                settings=settings,
                base_url=spec.base_url,
                observer=observer,
                browser_host=self.browser_host,
            )
            for spec in sources
        }

    async def close(self) -> None:
        for runtime in self.by_source.values():
            await runtime.close()
        await self.browser_host.close()


def worker_components(
    runtimes: BotRuntimes, trail: AuditTrail, history: WriteHistory | None = None
) -> WorkerComponents:
    """Write executors for every source: verified writes are linked to their runs in the audit trail."""

    async def link_written(write_id: str, resource_type: str, resource_id: str) -> None:
        await asyncio.to_thread(trail.link_written_resource, write_id, resource_type, resource_id)

    executors = {
        source_id: BotWriteExecutor(runtime, history, link_written) for source_id, runtime in runtimes.by_source.items()
    }
    return WorkerComponents(executors=executors)


class RetroFhirSystem:
    """Starts and stops everything `retrofhir serve` runs, in order; `app` is ready once entered."""

    def __init__(self, settings: Settings, run_workers: bool = True) -> None:
        self.settings = settings
        self.run_workers = run_workers
        self.sources = discover_sources(settings.screen_maps_dir)
        self._stack = AsyncExitStack()
        self._app: FastAPI | None = None
        self.scheduler: SchedulerRuntime | None = None

    @property
    def app(self) -> FastAPI:
        if self._app is None:
            raise RuntimeError("the system is not started")
        return self._app

    async def __aenter__(self) -> Self:
        stack = self._stack
        settings = self.settings
        trail = open_audit_trail(settings)
        stack.callback(trail.close)
        writer = TrailWriter(trail, settings.audit.writer_queue_size)
        stack.callback(writer.close)
        # The facade learns which runs served each request, to keep its answer with them (FhirAuditMiddleware).
        runtimes = BotRuntimes(settings, self.sources, RequestRunObserver(AuditObserver(writer)))
        stack.push_async_callback(runtimes.close)
        scheduler_settings = scheduler_settings_for(settings, self.sources)
        store = LocalStore(settings.fhir.store_url(settings.data_dir), settings.fhir.store.memory_entries)
        stack.push_async_callback(store.close)
        await store.create_schema()
        components = WorkerComponents()
        if self.run_workers:
            history_engine = create_engine(scheduler_settings.queue_url(settings.data_dir))
            stack.push_async_callback(history_engine.dispose)
            components = worker_components(runtimes, trail, WriteHistory(history_engine))
            periodic = periodic_components(settings, scheduler_settings, self.sources, runtimes.by_source, trail, store)
            components = dataclasses.replace(components, **periodic.as_components())
            stack.push_async_callback(components.aclose)
        runtime = SchedulerRuntime(scheduler_settings, settings.data_dir, components, run_workers=self.run_workers)
        self.scheduler = await stack.enter_async_context(runtime)
        write_queue = FacadeWriteQueue(runtime, {spec.fhir_name: spec.source_id for spec in self.sources})
        await write_queue.create_schema()
        providers = {
            spec.fhir_name: AuditedProvider(
                BotProvider(runtimes.by_source[spec.source_id], spec.fhir_name), trail, spec.source_id
            )
            for spec in self.sources
        }
        admin = APIRouter(prefix="/admin/queue", dependencies=[Depends(require_role(ADMIN_ROLE))])
        admin.include_router(admin_router(runtime.queue, runtime.health))
        console = console_router(trail, settings.audit.auditor_role)
        audited_queue = RequestJobWriteQueue(write_queue)
        self._app = create_app(
            settings, providers, audited_queue, store=store, extra_routers=(audit_fhir_router(), console, admin)
        )
        source_ids = {spec.fhir_name: spec.source_id for spec in self.sources}
        # One writer for the bots and the middleware: a response is chained after the steps of the runs behind it.
        self._app.add_middleware(FhirAuditMiddleware, trail=trail, source_ids=source_ids, writer=writer)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._app = None
        await self._stack.aclose()

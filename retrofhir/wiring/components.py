"""The `scheduler.components_factory` of a RetroFHIR deployment: what `retrofhir worker` runs for the bot sources.

    [scheduler]
    components_factory = "retrofhir.wiring.components:bot_worker_components"
    database_url = "postgresql+psycopg://retrofhir@db/retrofhir"

A worker process built this way drives the same screen maps with its own browser, reports every run to the same
audit trail (configure `[audit] database_url` on PostgreSQL too when workers run on several machines), and names
the FHIR client behind each write from the facade's records in the shared queue database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from audit.observer import AuditObserver
from audit.writer import TrailWriter
from retrofhir.config import Settings
from retrofhir.wiring.periodic import periodic_components
from retrofhir.wiring.sources import discover_sources
from retrofhir.wiring.system import BotRuntimes, open_audit_trail, scheduler_settings_for, worker_components
from scheduler.database import create_engine
from scheduler.executor import WorkerComponents
from scheduler.write_history import WriteHistory


def bot_worker_components(settings: Settings) -> WorkerComponents:
    """Write executors, health checks, syncs and retention targets for every screen map, closed at exit."""
    sources = discover_sources(settings.screen_maps_dir)
    scheduler_settings = scheduler_settings_for(settings, sources)
    trail = open_audit_trail(settings)
    writer = TrailWriter(trail, settings.audit.writer_queue_size)
    runtimes = BotRuntimes(settings, sources, AuditObserver(writer))
    history_engine = create_engine(scheduler_settings.queue_url(settings.data_dir))
    writers = worker_components(runtimes, trail, WriteHistory(history_engine))
    periodic = periodic_components(settings, scheduler_settings, sources, runtimes.by_source, trail)
    # Closed in reverse: browsers first (their last runs reach the writer), then the writer drains into the trail.
    closers = [
        in_thread(trail.close),
        in_thread(writer.close),
        history_engine.dispose,
        *periodic.closers,
        runtimes.close,
    ]
    return WorkerComponents(
        executors=writers.executors,
        sync_sources=periodic.sync_sources,
        health_checks=periodic.health_checks,
        retention_targets=periodic.retention_targets,
        scheduler_settings=scheduler_settings,
        closers=closers,
    )


def in_thread(close: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    """A blocking close (the trail writer drains its queue) as an awaitable that leaves the event loop free."""

    async def run() -> None:
        await asyncio.to_thread(close)

    return run

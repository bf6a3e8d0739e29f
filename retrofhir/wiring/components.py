"""The `scheduler.components_factory` of a RetroFHIR deployment: bot write executors for `retrofhir worker`.

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
from retrofhir.wiring.sources import discover_sources
from retrofhir.wiring.system import BotRuntimes, open_audit_trail, worker_components
from scheduler.database import create_engine
from scheduler.executor import WorkerComponents
from scheduler.write_history import WriteHistory


def bot_worker_components(settings: Settings) -> WorkerComponents:
    """Executors for every screen map; they live as long as the worker process."""
    trail = open_audit_trail(settings)
    writer = TrailWriter(trail, settings.audit.writer_queue_size)
    runtimes = BotRuntimes(settings, discover_sources(settings.screen_maps_dir), AuditObserver(writer))
    history_engine = create_engine(settings.scheduler.queue_url(settings.data_dir))
    components = worker_components(runtimes, trail, WriteHistory(history_engine))
    # Closed in reverse: browsers first (their last runs reach the writer), then the writer drains into the trail.
    components.closers += [
        in_thread(trail.close),
        in_thread(writer.close),
        history_engine.dispose,
        runtimes.close,
    ]
    return components


def in_thread(close: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    """A blocking close (the trail writer drains its queue) as an awaitable that leaves the event loop free."""

    async def run() -> None:
        await asyncio.to_thread(close)

    return run

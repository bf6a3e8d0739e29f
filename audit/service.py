"""One object per process for the rest of RetroFHIR: the observer for the engine, hooks for the scheduler.

audit = AuditService.open(settings.audit, settings.data_dir)
SourceRuntime(screen_map, observer=audit.observer)            # the engine records every step
BotWriteExecutor(runtime, history, on_written=audit.on_written)  # a write's resource is tied to its runs
WorkerComponents(retention_targets=[audit])                    # the scheduler purges past retention
create_app(settings, providers, extra_routers=(console_router(audit.trail, settings.audit.auditor_role),))
...
audit.close()                                                  # drains the writer
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from audit.observer import AuditObserver
from audit.purge import purge_expired
from audit.records import ResponseRecord
from audit.settings import AuditSettings
from audit.trail import AuditTrail
from audit.writer import TrailWriter


class AuditService:
    """The trail, its background writer and the engine's observer, opened together and closed together."""

    name = "audit"

    def __init__(self, trail: AuditTrail, settings: AuditSettings) -> None:
        self.trail = trail
        self.settings = settings
        self.writer = TrailWriter(trail, settings.writer_queue_size)
        self.observer = AuditObserver(self.writer)

    @classmethod
    def open(cls, settings: AuditSettings, data_dir: Path) -> AuditService:
        return cls(AuditTrail.open(settings, data_dir), settings)

    async def on_written(self, write_id: str, resource_type: str, resource_id: str) -> None:
        """The scheduler's hook for a verified write: tie the written resource to the write job's runs."""
        await asyncio.to_thread(self.writer.flush)
        await asyncio.to_thread(self.trail.link_written_resource, write_id, resource_type, resource_id)

    async def record_response(self, run_id: str, status: int, body: dict[str, Any] | None) -> None:
        """The facade's hook once it has answered a request a run served: keep the answer next to the evidence.
        Queued behind the run's own records, so it lands after them, in whichever group commit takes it."""
        await self.writer.commit([ResponseRecord(run_id, status, body)])

    async def purge(self, older_than_days: int) -> int:
        """The scheduler's retention job: how many steps were emptied (their hashes stay in the chain)."""
        report = await asyncio.to_thread(purge_expired, self.trail, older_than_days)
        return len(report.purged_seqs)

    def close(self) -> None:
        self.writer.close()
        self.trail.close()

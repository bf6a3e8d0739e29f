"""The `[scheduler]` configuration section: databases, leases, retries, seat budgets and periodic jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RetrySettings(_Section):
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**(n-1))) seconds."""

    max_attempts: int = Field(default=5, ge=1)
    base_delay_seconds: float = Field(default=2.0, gt=0)
    max_delay_seconds: float = Field(default=300.0, gt=0)
    # Every legacy seat in use: the write waits about this long (jittered) and tries again, without using an attempt.
    seat_wait_seconds: float = Field(default=15.0, gt=0)


class SourceLimits(_Section):
    """How many writes may run at once against one legacy source."""

    kind: Literal["web", "desktop"] = "web"
    # Concurrent logins the legacy EHR allows; a global budget shared by every worker process.
    seats: int = Field(default=1, ge=1)
    # Desktop sources drive one screen: every source on the same display shares one slot.
    display: int | None = None
    # Sync: FHIR searches run on a schedule into the local store, e.g. "Patient?identifier=0100046" or
    # "Encounter?date={today}" ({today} is the current date); a search returns every page up to `sync_max_pages`.
    sync_interval_seconds: float | None = Field(default=None, gt=0)
    sync_searches: list[str] = Field(default_factory=list)
    sync_max_pages: int = Field(default=5, ge=1)
    # Health check: a canary run of the screen map's read-only examples (only those named, if any are).
    health_check_interval_seconds: float | None = Field(default=3600.0, gt=0)
    health_check_examples: list[str] = Field(default_factory=list)


class SchedulerSettings(_Section):
    """Everything the write queue, the workers and the periodic jobs read."""

    # Empty: embedded SQLite files under `<data_dir>/scheduler/`. Otherwise a `postgresql+psycopg://` URL that
    # holds both the write queue and APScheduler's data store, and whose NOTIFY carries APScheduler's events.
    database_url: str = ""
    # How long a worker owns a write without renewing its lease; a dead worker's writes are recovered after it.
    lease_seconds: float = Field(default=30.0, gt=0)
    # APScheduler's own lease on jobs and schedules (a dead scheduler's schedules wait this long).
    apscheduler_lease_seconds: float = Field(default=30.0, gt=0)
    # How often ready writes are (re)dispatched and dead workers' writes recovered.
    sweep_interval_seconds: float = Field(default=2.0, gt=0)
    # A dispatched write whose job never started (its worker died) is dispatched again after this long.
    redispatch_after_seconds: float = Field(default=60.0, gt=0)
    max_concurrent_jobs: int = Field(default=20, ge=1)
    retry: RetrySettings = Field(default_factory=RetrySettings)
    sources: dict[str, SourceLimits] = Field(default_factory=dict)
    # `module:callable` returning a `scheduler.WorkerComponents` (write executors, sync sources, health checks).
    components_factory: str | None = None
    # Receives a JSON POST when a write fails (dead-lettered) or lands in `unknown`, and on health state changes.
    alert_webhook_url: str | None = None
    retention_interval_seconds: float = Field(default=86400.0, gt=0)
    # Days to keep what each retention target holds, by target name: finished writes (`write-queue`), the facade's
    # local store (`store`) and the audit trail's step detail and screenshots (`audit`, else `[audit] retention_days`).
    retention_days: dict[str, int] = Field(default_factory=lambda: {"write-queue": 30, "store": 90})

    def queue_url(self, data_dir: Path) -> str:
        """The SQLAlchemy URL of the write queue's tables."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(data_dir / 'scheduler' / 'queue.sqlite').resolve()}"

    def job_store_url(self, data_dir: Path) -> str:
        """The SQLAlchemy URL of APScheduler's data store (a separate file in embedded mode)."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(data_dir / 'scheduler' / 'jobs.sqlite').resolve()}"

    def limits_for(self, source: str) -> SourceLimits:
        return self.sources.get(source, SourceLimits())

    def concurrency_group(self, source: str) -> tuple[str, int]:
        """The slot group a source's writes count against, and how many may run at once in it."""
        limits = self.limits_for(source)
        if limits.kind == "desktop":
            display = "default" if limits.display is None else str(limits.display)
            return f"display:{display}", 1
        return f"source:{source}", limits.seats

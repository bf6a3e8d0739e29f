"""The periodic jobs of the bot sources: canary health checks, syncs into the local store, retention purges.

    parts = periodic_components(settings, scheduler_settings, sources, runtimes, trail)
    WorkerComponents(executors=..., **parts.as_components())

Every process that runs scheduler jobs (`retrofhir serve`, `retrofhir worker`) builds the same parts, because
APScheduler hands a schedule's job to whichever of them is free.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from audit.purge import purge_expired
from audit.trail import AuditTrail
from bots.engine import SourceRuntime
from bots.errors import SeatsExhausted
from bots.examples import run_example
from bots.map_models import Example
from bots.screen_map import ScreenMap
from fhir_facade.providers.bot_provider import provided
from fhir_facade.store import LocalStore
from retrofhir.config import Settings
from retrofhir.wiring.sources import SourceSpec
from scheduler.executor import HealthCheck, HealthReport, RetentionTarget, SyncSource
from scheduler.settings import SchedulerSettings
from scheduler.transactions import transaction


def canary_examples(screen_map: ScreenMap, names: list[str] | None = None) -> list[Example]:
    """The read-only examples a health check runs: those valid on every UI version the source claims (whichever
    one is live), else every read-only one; only the named ones when names are given."""
    read_only = [example for example in screen_map.examples if not example.writes]
    if names:
        return [example for example in read_only if example.name in names]
    claimed = set(screen_map.source.ui_versions)
    independent = [example for example in read_only if claimed <= set(example.ui_versions)]
    return independent or read_only


class ScreenMapHealthCheck:
    """Runs a screen map's canary examples; reports fields found only by a fallback locator and examples failing."""

    def __init__(self, runtime: SourceRuntime, examples: list[Example]) -> None:
        self.runtime = runtime
        self.examples = examples

    async def check(self) -> HealthReport:
        drifted: list[str] = []
        failed: list[str] = []
        for example in self.examples:
            outcome = await run_example(self.runtime, example)
            if any(problem.startswith(f"raised {SeatsExhausted.__name__}") for problem in outcome.problems):
                raise SeatsExhausted("no free seat for the canary run", source=self.runtime.source_id)
            drifted += [where for where in outcome.drift if where not in drifted]
            if not outcome.passed:
                # Problems name paths and error kinds, never values (bots.examples).
                failed.append(f"{example.name}: {'; '.join(outcome.problems)}")
        return HealthReport(len(self.examples), tuple(drifted), tuple(failed))


class StoreSync:
    """Runs a source's configured sync entries and saves what they find in the facade's local store.

    An entry is a search (`Observation?patient=0100046&category=vital-signs`) or a change list
    (`Patient/_history?_since={yesterday}`: the map's `Patient.history` flow, e.g. a legacy "recent activity" page).
    `{today}` and `{yesterday}` become dates; an entry with `{changed}` runs once per patient the change lists
    before it returned in the same sync (`Observation?patient={changed}&category=vital-signs`), so each changed
    patient's records are refreshed, not the whole EHR.
    """

    def __init__(
        self, runtime: SourceRuntime, fhir_name: str, store: LocalStore, searches: list[str], max_pages: int
    ) -> None:
        self.runtime = runtime
        self.fhir_name = fhir_name
        self.store = store
        self.searches = searches
        self.max_pages = max_pages

    async def sync(self) -> int:
        refreshed = 0
        changed: list[str] = []
        today = date.today()
        dates = {"{today}": today.isoformat(), "{yesterday}": (today - timedelta(days=1)).isoformat()}
        for entry in self.searches:
            for name, value in dates.items():
                entry = entry.replace(name, value)
            for search in [entry.replace("{changed}", key) for key in changed] if "{changed}" in entry else [entry]:
                path, _, query = search.partition("?")
                resource_type, _, operation = path.partition("/")
                resources = await self._all_pages(resource_type, operation == "_history", query)
                await self.store.save_many(self.fhir_name, [provided(resource) for resource in resources])
                refreshed += len(resources)
                if operation == "_history" and resource_type == "Patient":
                    changed += [str(resource["id"]) for resource in resources if str(resource["id"]) not in changed]
        return refreshed

    async def _all_pages(self, resource_type: str, history: bool, query: str) -> list[dict[str, Any]]:
        params = dict(parse_qsl(query, keep_blank_values=False))
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(self.max_pages):
            lister = self.runtime.history if history else self.runtime.search
            page = await lister(resource_type, params, cursor)
            found += page.resources
            cursor = page.next_cursor
            if cursor is None:
                break
        return found


class AuditRetention:
    """The audit trail as a retention target: step detail and screenshots go, their hashes stay in the chain."""

    name = "audit"

    def __init__(self, trail: AuditTrail) -> None:
        self.trail = trail

    async def purge(self, older_than_days: int) -> int:
        report = await asyncio.to_thread(purge_expired, self.trail, older_than_days)
        return len(report.purged_seqs)


class StoreRetention:
    """The facade's local store as a retention target: records no bot has seen for the retention period go (with
    their history), and older versions of the records kept. It works on the store's two tables directly."""

    name = "store"

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def purge(self, older_than_days: int) -> int:
        cutoff = {"cutoff": datetime.now(UTC) - timedelta(days=older_than_days)}
        async with transaction(self.engine) as connection:
            versions = await connection.execute(
                text(
                    "DELETE FROM fhir_resource_history AS h WHERE EXISTS (SELECT 1 FROM fhir_resources AS c WHERE"
                    " h.source = c.source AND h.resource_type = c.resource_type AND h.logical_id = c.logical_id"
                    " AND (c.last_updated < :cutoff OR (h.last_updated < :cutoff AND h.version_id < c.version_id)))"
                ),
                cutoff,
            )
            records = await connection.execute(text("DELETE FROM fhir_resources WHERE last_updated < :cutoff"), cutoff)
        return int(records.rowcount) + int(versions.rowcount)


@dataclass
class PeriodicParts:
    """What the scheduler's periodic jobs run, and what closes with the process."""

    sync_sources: dict[str, SyncSource] = field(default_factory=dict)
    health_checks: dict[str, HealthCheck] = field(default_factory=dict)
    retention_targets: list[RetentionTarget] = field(default_factory=list)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def as_components(self) -> dict[str, Any]:
        """Keyword arguments for `scheduler.WorkerComponents`."""
        return {
            "sync_sources": self.sync_sources,
            "health_checks": self.health_checks,
            "retention_targets": self.retention_targets,
            "closers": self.closers,
        }


def periodic_components(
    settings: Settings,
    scheduler_settings: SchedulerSettings,
    sources: list[SourceSpec],
    runtimes: dict[str, SourceRuntime],
    trail: AuditTrail,
    store: LocalStore | None = None,
) -> PeriodicParts:
    """Health checks and syncs for every source (by source id), and the audit trail and local store to purge.

    `store` is the facade's own local store when there is one in this process; otherwise one is opened here.
    """
    store_url = settings.fhir.store_url(settings.data_dir)
    parts = PeriodicParts()
    if store is None:
        store = LocalStore(store_url, memory_entries=0)
        parts.closers.append(store.close)
    store_engine = create_async_engine(store_url)
    parts.closers.append(store_engine.dispose)
    for spec in sources:
        limits = scheduler_settings.limits_for(spec.source_id)
        runtime = runtimes[spec.source_id]
        examples = canary_examples(spec.screen_map, limits.health_check_examples)
        if examples:
            parts.health_checks[spec.source_id] = ScreenMapHealthCheck(runtime, examples)
        if limits.sync_searches:
            parts.sync_sources[spec.source_id] = StoreSync(
                runtime, spec.fhir_name, store, limits.sync_searches, limits.sync_max_pages
            )
    parts.retention_targets += [AuditRetention(trail), StoreRetention(store_engine)]
    return parts

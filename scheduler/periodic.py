"""The periodic jobs' work: sync a source, run a screen map's health check, purge past retention.

Health states are kept in the queue database so that, with several workers taking turns at running a check,
a change of state is still logged and alerted exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bots.errors import SeatsExhausted
from scheduler.executor import HealthCheck, HealthReport, RetentionTarget, SyncSource
from scheduler.notify import Alerts
from scheduler.queue import Clock, utc_now
from scheduler.tables import health_states
from scheduler.transactions import connected, transaction

logger = logging.getLogger(__name__)


async def run_sync(name: str, source: SyncSource) -> int:
    """Refresh one source's recently changed records; failures are logged (the next run tries again)."""
    try:
        refreshed = await source.sync()
    except Exception as error:
        logger.warning("sync of %s failed: %s", name, type(error).__name__)
        return 0
    logger.info("sync of %s refreshed %d records", name, refreshed)
    return refreshed


@dataclass(frozen=True)
class HealthState:
    name: str
    state: str
    examples_run: int
    drifted: int
    failed: int
    detail: str


def _detail(report: HealthReport) -> str:
    parts = []
    if report.failed:
        parts.append("failed: " + ", ".join(report.failed))
    if report.drifted:
        parts.append("drift: " + ", ".join(report.drifted))
    return "; ".join(parts) or "all examples matched"


class HealthMonitor:
    """Runs health checks and remembers their last state; a change is logged once and alerted once."""

    def __init__(self, engine: AsyncEngine, alerts: Alerts, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.alerts = alerts
        self.clock = clock

    async def run(self, name: str, check: HealthCheck) -> HealthState | None:
        """Run one check and record its state; None when it was skipped because every legacy seat was busy
        (a busy source says nothing about its screens)."""
        try:
            report = await check.check()
        except SeatsExhausted:
            logger.info("health check %s skipped: no free seat at the legacy system", name)
            return None
        except Exception as error:
            report = HealthReport(examples_run=0, failed=(f"check raised {type(error).__name__}",))
        return await self.record(name, report)

    async def record(self, name: str, report: HealthReport) -> HealthState:
        now = self.clock()
        state = HealthState(
            name, report.state, report.examples_run, len(report.drifted), len(report.failed), _detail(report)
        )
        values = {
            "state": state.state,
            "checked_at": now,
            "examples_run": state.examples_run,
            "drifted": state.drifted,
            "failed": state.failed,
            "detail": state.detail,
        }
        async with transaction(self.engine) as connection:
            query = select(health_states.c.state).where(health_states.c.name == name)
            if connection.dialect.name == "postgresql":
                query = query.with_for_update()
            previous = (await connection.execute(query)).scalar()
            if previous is None:
                await connection.execute(insert(health_states).values(name=name, changed_at=now, **values))
            elif previous != state.state:
                await connection.execute(
                    update(health_states).where(health_states.c.name == name).values(changed_at=now, **values)
                )
            else:
                await connection.execute(update(health_states).where(health_states.c.name == name).values(**values))
        if previous != state.state:
            log = logger.info if state.state == "healthy" else logger.warning
            log("health check %s: %s -> %s (%s)", name, previous, state.state, state.detail)
            # A first check that finds everything healthy is news to nobody.
            if previous is not None or state.state != "healthy":
                await self.alerts.health_changed(name, previous, state.state, state.detail)
        return state

    async def states(self) -> list[HealthState]:
        """The last state of every health check: the metric the admin API shows."""
        async with connected(self.engine) as connection:
            rows = (await connection.execute(select(health_states).order_by(health_states.c.name))).mappings().all()
        return [
            HealthState(
                row["name"], row["state"], row["examples_run"], row["drifted"], row["failed"], row["detail"] or ""
            )
            for row in rows
        ]


async def run_retention(targets: Sequence[RetentionTarget], retention_days: Mapping[str, int]) -> dict[str, int]:
    """Purge each target that has a configured retention; returns how much each purged."""
    purged: dict[str, int] = {}
    for target in targets:
        days = retention_days.get(target.name)
        if days is None:
            continue
        try:
            purged[target.name] = await target.purge(days)
        except Exception as error:
            logger.warning("retention purge of %s failed: %s", target.name, type(error).__name__)
            continue
        logger.info("retention purged %d items from %s (older than %d days)", purged[target.name], target.name, days)
    return purged

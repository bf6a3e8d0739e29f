"""The sweeper's wake-up: a schedule left held by a dead scheduler is taken over once its lease has lapsed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import anyio
import pytest
from apscheduler import AsyncScheduler
from apscheduler.datastores.sqlalchemy import SQLAlchemyDataStore
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.database import create_job_store_engine
from scheduler.sweeper import wake_for_lapsed_schedules

pytestmark = pytest.mark.anyio
runs: list[str] = []


async def canary() -> None:
    runs.append("ran")


async def test_a_schedule_a_dead_scheduler_held_runs_again_once_its_lapsed_lease_is_announced(tmp_path: Path) -> None:
    runs.clear()
    engine = create_job_store_engine(f"sqlite+aiosqlite:///{tmp_path / 'jobs.sqlite'}")
    try:
        async with AsyncScheduler(SQLAlchemyDataStore(engine), identity="alive") as scheduler:
            await scheduler.add_schedule(canary, IntervalTrigger(seconds=0.2), id="canary")
            # What a SIGKILLed scheduler leaves behind: the schedule acquired, under a lease that soon lapses.
            held = await scheduler.data_store.acquire_schedules("dead", timedelta(seconds=0.3), 10)
            assert [schedule.id for schedule in held] == ["canary"]
            await scheduler.start_in_background()
            await anyio.sleep(1.5)
            assert runs == [], "APScheduler took the schedule over by itself: the wake-up would not be needed"

            assert await wake_for_lapsed_schedules(scheduler) == 1
            with anyio.fail_after(20):
                while not runs:
                    await anyio.sleep(0.05)
            await scheduler.stop()
    finally:
        await engine.dispose()

"""The write dispatcher loop each scheduler process runs itself, beside APScheduler's schedule loop.

APScheduler 4.0.0a6 sleeps its schedule loop until the next fire time of the schedules nobody holds
(`get_next_schedule_run_time` skips rows with `acquired_by` set, even when that lease has lapsed). A schedule held
by a SIGKILLed scheduler is therefore not taken over until something else wakes the loop. With the write sweep as
such a schedule, a 200-write crash proof stalled for good after one kill: no write was dispatched again. So:

- dispatching ready writes (new, retries now due, those of dead workers) runs here every `sweep_interval_seconds`,
  in every process, independent of APScheduler's schedules (claims make a second dispatcher harmless);
- once per APScheduler lease, a schedule whose holder's lease has lapsed is announced on the event broker
  (`ScheduleUpdated`), which wakes the schedule loop to take it over (health checks, syncs, retention).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import anyio
from apscheduler import AsyncScheduler, ScheduleUpdated

logger = logging.getLogger(__name__)


async def sweep_forever(
    dispatch: Callable[[], Awaitable[int]], scheduler: AsyncScheduler, interval_seconds: float, lease_seconds: float
) -> None:
    """Dispatch every `interval_seconds` and wake the schedule loop for lapsed schedule leases; runs until cancelled."""
    last_wake_check = anyio.current_time()
    while True:
        await anyio.sleep(interval_seconds)
        try:
            await dispatch()
            if anyio.current_time() - last_wake_check >= lease_seconds:
                last_wake_check = anyio.current_time()
                await wake_for_lapsed_schedules(scheduler)
        except Exception as error:  # a database hiccup must not end the loop; the next round tries again
            logger.warning("write dispatch round failed (%s); trying again next round", type(error).__name__)


async def wake_for_lapsed_schedules(scheduler: AsyncScheduler) -> int:
    """Announce each schedule whose holder's lease has lapsed, so this process's schedule loop takes it over."""
    now = datetime.now(UTC)
    lapsed = [
        schedule
        for schedule in await scheduler.data_store.get_schedules()
        if schedule.acquired_by is not None and schedule.acquired_until is not None and schedule.acquired_until < now
    ]
    for schedule in lapsed:
        await scheduler.event_broker.publish(
            ScheduleUpdated(schedule_id=schedule.id, task_id=schedule.task_id, next_fire_time=schedule.next_fire_time)
        )
    return len(lapsed)

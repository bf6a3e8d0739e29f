"""Faults proof against the practice web EHR: latency, 5% of requests answered 500, sessions expired mid-run.

Every write ends succeeded, or needs review (dead-lettered `failed`, or `unknown`) with a reason. With the faults
off, replaying those succeeds, and the EHR's own database holds every write exactly once.
The desktop EHR's crash knob is not part of this proof: the desktop driver was still being finished.
`RETROFHIR_PROOF_FAULT_WRITES` sets how many writes (`make proof` runs more).
"""

from __future__ import annotations

import os
from pathlib import Path

import anyio
import pytest

from practice_ehrs.legacy_web.runner import LegacyWebServer
from scheduler import SchedulerSettings, WriteQueue, WriteStatus
from scheduler.database import create_engine, create_schema
from tests.scheduler.processes import unfinished_writes, wait_until_finished
from tests.scheduler.real_ehr import (
    landed_vitals,
    pulse_value,
    queue_url,
    vital_key,
    vital_write,
    worker_environment,
    worker_group,
)

WRITES = int(os.environ.get("RETROFHIR_PROOF_FAULT_WRITES", "4"))
pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300 + 60 * WRITES)]
EXPIRY_INTERVAL_S = 8.0


async def expire_sessions_while_running(server: LegacyWebServer, queue: WriteQueue) -> int:
    """End every EHR session every few seconds until the queue drains; returns how many sessions were ended."""
    ended = 0
    while await unfinished_writes(queue):
        await anyio.sleep(EXPIRY_INTERVAL_S)
        ended += await anyio.to_thread.run_sync(server.expire_sessions)
    return ended


async def test_faulty_ehr_writes_end_decided_and_replays_land_exactly_once(
    tmp_path: Path, legacy_web_clean: LegacyWebServer
) -> None:
    env = worker_environment(tmp_path, legacy_web_clean, max_attempts=6)
    engine = create_engine(queue_url(tmp_path))
    await create_schema(engine)
    queue = WriteQueue(engine, SchedulerSettings())
    legacy_web_clean.set_knobs(latency_ms=150, failure_rate=0.05)
    try:
        numbers = {(await queue.submit(vital_write(n)))[0].id: n for n in range(WRITES)}
        with worker_group(env, tmp_path / "worker.log"):
            expired = 0

            async def expire() -> None:
                nonlocal expired
                expired = await expire_sessions_while_running(legacy_web_clean, queue)

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(expire)
                await wait_until_finished(queue, timeout=120 + 40 * WRITES, log=tmp_path / "worker.log")

            needing_review = []
            for write_id in numbers:
                record = await queue.get(write_id)
                assert record.status in (WriteStatus.SUCCEEDED, WriteStatus.FAILED, WriteStatus.UNKNOWN)
                if record.status != WriteStatus.SUCCEEDED:
                    assert record.reason, write_id
                    needing_review.append(write_id)

            legacy_web_clean.set_knobs(latency_ms=0, failure_rate=0.0)
            for write_id in needing_review:
                await queue.replay(write_id, by="proof")
            await wait_until_finished(queue, timeout=60 + 20 * len(needing_review), log=tmp_path / "worker.log")

        landed = landed_vitals(legacy_web_clean)
        for write_id, number in numbers.items():
            record = await queue.get(write_id)
            reasons = " | ".join(event.reason or "" for event in await queue.events(write_id))
            assert record.status == WriteStatus.SUCCEEDED, (number, record.status, reasons)
            assert landed.pop(vital_key(number), []) == [pulse_value(number)], (number, reasons)
        assert landed == {}, f"rows no write asked for: {sorted(landed)}"
        print(f"\nfaults proof: {WRITES} writes, {len(needing_review)} replayed, {expired} sessions expired")
    finally:
        legacy_web_clean.set_knobs(latency_ms=0, failure_rate=0.0)
        await engine.dispose()

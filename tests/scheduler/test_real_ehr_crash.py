"""Crash proof against the practice web EHR: `retrofhir worker` SIGKILLed at random points, restarted until drained.

The EHR's own database is the witness: every write landed exactly once (succeeded), or is `unknown` with the
evidence of a submit whose worker was lost and landed at most once. None lost, none duplicated.
`RETROFHIR_PROOF_WRITES` sets how many writes (`make proof` runs 200); the default keeps `make test` short.
"""

from __future__ import annotations

import os
import random
import time
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

WRITES = int(os.environ.get("RETROFHIR_PROOF_WRITES", "6"))
KILLS = max(1, WRITES // 25)
MAX_PROGRESS_BETWEEN_KILLS = 8
# A killed worker's legacy sessions keep their seats until the EHR's idle timeout (900 s by default; the map has no
# way to end them): a short one keeps the proof's waits for a free seat short.
IDLE_TIMEOUT_S = 30
# A real bot write takes seconds on the practice EHR: the time limit grows with the number of writes.
pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300 + 30 * WRITES)]


async def test_sigkilled_workers_land_every_vital_sign_once_in_the_ehr(
    tmp_path: Path, legacy_web_clean: LegacyWebServer
) -> None:
    env = worker_environment(tmp_path, legacy_web_clean)
    engine = create_engine(queue_url(tmp_path))
    await create_schema(engine)
    queue = WriteQueue(engine, SchedulerSettings())
    legacy_web_clean.set_knobs(idle_timeout_s=IDLE_TIMEOUT_S)
    rng = random.Random()
    started = time.monotonic()
    try:
        numbers = {(await queue.submit(vital_write(n)))[0].id: n for n in range(WRITES)}
        kills = 0
        for round_number in range(KILLS + 1):
            with worker_group(env, tmp_path / f"worker-{round_number}.log") as worker:
                if round_number == KILLS:
                    await wait_until_finished(queue, timeout=60 + 20 * WRITES, log=worker.log)
                    continue
                before = await unfinished_writes(queue)
                progress = rng.randint(1, max(1, min(before - 1, MAX_PROGRESS_BETWEEN_KILLS)))
                # A kill leaves its sessions holding EHR seats for up to the idle timeout: writes wait that long.
                with anyio.fail_after(60 + IDLE_TIMEOUT_S + 30 * progress):
                    while before - await unfinished_writes(queue) < progress:
                        await anyio.sleep(0.05)
                await anyio.sleep(rng.uniform(0, 1.5))
                worker.kill()
                kills += 1

        landed = landed_vitals(legacy_web_clean)
        statuses: dict[str, int] = {}
        for write_id, number in numbers.items():
            record = await queue.get(write_id)
            reasons = " | ".join(event.reason or "" for event in await queue.events(write_id))
            statuses[record.status] = statuses.get(record.status, 0) + 1
            pulses = landed.pop(vital_key(number), [])
            assert record.status in (WriteStatus.SUCCEEDED, WriteStatus.UNKNOWN), (number, record.status, reasons)
            if record.status == WriteStatus.SUCCEEDED:
                assert pulses == [pulse_value(number)], (number, pulses, reasons)
            else:
                assert len(pulses) <= 1, (number, pulses, reasons)
                assert "submitting" in reasons, (number, reasons)
        assert landed == {}, f"rows no write asked for: {sorted(landed)}"
        assert kills == KILLS
        print(
            f"\nproof: {WRITES} writes, {kills} kills, {statuses} in {time.monotonic() - started:.0f}s",
        )
    finally:
        await engine.dispose()

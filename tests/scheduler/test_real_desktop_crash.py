"""Crash-knob proof against the practice desktop EHR: the app dies at random user actions while writes drain.

Every write ends succeeded, or needs review (dead-lettered `failed`, or `unknown`) with a reason. With the knob off
(a worker started without it), replaying those succeeds, and the desktop EHR's own database holds every write
exactly once. `RETROFHIR_PROOF_DESKTOP_WRITES` and `RETROFHIR_PROOF_DESKTOP_CRASH_RATE` (per user action) size it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from scheduler import SchedulerSettings, WriteQueue, WriteStatus
from scheduler.database import create_engine, create_schema
from tests.scheduler.processes import wait_until_finished
from tests.scheduler.real_desktop import desktop_vital_write, desktop_worker_environment, landed_desktop_vitals
from tests.scheduler.real_ehr import pulse_value, queue_url, vital_key, worker_group

WRITES = int(os.environ.get("RETROFHIR_PROOF_DESKTOP_WRITES", "2"))
# About a tenth of the user actions of a write crash the app: most writes see at least one crash.
CRASH_RATE = float(os.environ.get("RETROFHIR_PROOF_DESKTOP_CRASH_RATE", "0.1"))
pytestmark = [pytest.mark.anyio, pytest.mark.timeout(600 + 240 * WRITES)]


async def test_desktop_crashes_end_decided_and_replays_land_exactly_once(tmp_path: Path) -> None:
    engine = create_engine(queue_url(tmp_path))
    await create_schema(engine)
    queue = WriteQueue(engine, SchedulerSettings())
    started = time.monotonic()
    try:
        numbers = {(await queue.submit(desktop_vital_write(n)))[0].id: n for n in range(WRITES)}
        with worker_group(desktop_worker_environment(tmp_path, CRASH_RATE), tmp_path / "crashing.log"):
            await wait_until_finished(queue, timeout=120 + 180 * WRITES, log=tmp_path / "crashing.log")
        outcomes: dict[str, int] = {}
        needs_review = []
        for write_id, number in numbers.items():
            record = await queue.get(write_id)
            outcomes[record.status] = outcomes.get(record.status, 0) + 1
            assert record.status in (WriteStatus.SUCCEEDED, WriteStatus.FAILED, WriteStatus.UNKNOWN), number
            if record.status != WriteStatus.SUCCEEDED:
                assert record.reason, (number, record.status)
                needs_review.append(write_id)
        crash_events = [
            event
            for write_id in numbers
            for event in await queue.events(write_id)
            if "AppCrashed" in (event.reason or "")
        ]

        for write_id in needs_review:
            await queue.replay(write_id, "proof: crash knob off")
        with worker_group(desktop_worker_environment(tmp_path, 0.0), tmp_path / "calm.log"):
            await wait_until_finished(queue, timeout=120 + 180 * WRITES, log=tmp_path / "calm.log")

        landed = landed_desktop_vitals(tmp_path)
        for write_id, number in numbers.items():
            record = await queue.get(write_id)
            reasons = " | ".join(event.reason or "" for event in await queue.events(write_id))
            assert record.status == WriteStatus.SUCCEEDED, (number, record.status, reasons)
            assert landed.pop(vital_key(number), []) == [pulse_value(number)], (number, reasons)
        assert landed == {}, f"rows no write asked for: {sorted(landed)}"
        print(
            f"\ndesktop crash proof: {WRITES} writes at crash rate {CRASH_RATE}: {outcomes} with the knob on "
            f"({len(crash_events)} attempts ended by AppCrashed), {len(needs_review)} "
            f"replayed with it off, all landed once, in {time.monotonic() - started:.0f}s"
        )
    finally:
        await engine.dispose()

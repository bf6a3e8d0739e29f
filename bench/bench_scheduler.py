"""Write throughput of the durable queue over the practice web EHR, and the scheduler's overhead per write.

- `write_drain_web`: pulse Observations queued at once, drained by an in-process scheduler whose web source has
  the production write budget (the map's seats but one); writes per minute from the first dispatch to drained.
- `scheduler_overhead`: median time per write through the scheduler (one seat: claimed to succeeded, which adds
  the queue's check-before-write, claims and submit gate) divided by the median time of the same create run
  directly through `SourceRuntime.create`, both in this run over the same EHR and browser.
`write_drain_desktop` is not measured: the desktop driver was still being finished when this was written.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import anyio

from bench.harness import BenchResult
from bench.legacy_web_target import WebTarget, legacy_web_target
from bots.engine import SourceRuntime
from scheduler import SchedulerRuntime, SchedulerSettings, SourceLimits, WorkerComponents, WriteStatus, WriteSubmission
from scheduler.bot_executor import BotWriteExecutor
from scheduler.database import create_engine
from scheduler.facade_queue import patient_key
from scheduler.write_history import WriteHistory

SOURCE = "legacy_web"
FIRST_DAY = date(1961, 1, 1)  # the seed has no vitals there, and the EHR refuses dates in the future
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
DESKTOP_NOTE = "write_drain_desktop not measured: the desktop driver was not finished when this benchmark was written"


def pulse(number: int, mrns: list[str]) -> dict[str, Any]:
    """A pulse Observation no other benchmark write shares (its own patient-date-time)."""
    day = FIRST_DAY + timedelta(days=number // 60)
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}
                ]
            }
        ],
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}]},
        "subject": {"reference": f"Patient/{mrns[number % len(mrns)]}"},
        "effectiveDateTime": f"{day.isoformat()}T08:{number % 60:02d}:00Z",
        "valueQuantity": {"value": 50 + number % 90, "unit": "beats/minute", "system": "http://unitsofmeasure.org"},
    }


async def all_finished(scheduler: SchedulerRuntime, ids: list[str]) -> bool:
    return all([(await scheduler.queue.get(write_id)).finished for write_id in ids])


async def drain(
    target: WebTarget, numbers: list[int], seats: int, data_dir: Path
) -> tuple[float, list[float], SourceRuntime]:
    """Queue the writes, let an in-process scheduler drain them; wall seconds and claimed-to-succeeded seconds."""
    runtime = target.runtime()
    settings = SchedulerSettings(sources={SOURCE: SourceLimits(kind="web", seats=seats)}, sweep_interval_seconds=0.2)
    history_engine = create_engine(settings.queue_url(data_dir))
    executors = {SOURCE: BotWriteExecutor(runtime, WriteHistory(history_engine))}
    mrns = target.mrns[:4]
    async with SchedulerRuntime(settings, data_dir, WorkerComponents(executors=executors)) as scheduler:
        started = time.perf_counter()
        ids = []
        for number in numbers:
            resource = pulse(number, mrns)
            submission = WriteSubmission(SOURCE, "Observation.create", resource, patient_key=patient_key(resource))
            ids.append((await scheduler.submit(submission))[0].id)
        while not await all_finished(scheduler, ids):
            await anyio.sleep(0.05)
        wall = time.perf_counter() - started
        per_write: list[float] = []
        for write_id in ids:
            record = await scheduler.queue.get(write_id)
            if record.status != WriteStatus.SUCCEEDED:
                raise RuntimeError(f"a benchmark write ended {record.status}: {record.reason}")
            events = await scheduler.queue.events(write_id)
            claimed = next(event.at for event in events if event.to_status == WriteStatus.RUNNING)
            per_write.append((events[-1].at - claimed).total_seconds())
    await history_engine.dispose()
    return wall, per_write, runtime


async def run(writes: int = 8, overhead_writes: int = 4) -> list[BenchResult]:
    numbers = count()
    async with legacy_web_target() as target:
        seats = max(1, target.screen_map.source.seat_limit - 1)
        with tempfile.TemporaryDirectory(prefix="bench-scheduler-") as directory:
            # Warm-up: the browser and a logged-in session, outside every measurement.
            await drain(target, [next(numbers)], 1, Path(directory) / "warm")
            wall, _, _ = await drain(target, [next(numbers) for _ in range(writes)], seats, Path(directory) / "drain")
            _, queued, _ = await drain(
                target, [next(numbers) for _ in range(overhead_writes)], 1, Path(directory) / "overhead"
            )
        direct_runtime = target.runtime()
        mrns = target.mrns[:4]
        direct: list[float] = []
        await direct_runtime.create(pulse(next(numbers), mrns))  # log in outside the measurement
        for _ in range(overhead_writes):
            started = time.perf_counter()
            await direct_runtime.create(pulse(next(numbers), mrns))
            direct.append(time.perf_counter() - started)
    through_queue, straight = statistics.median(queued), statistics.median(direct)
    return [
        BenchResult(
            "write_drain_web",
            writes / wall * 60,
            "writes/min",
            writes,
            description=f"{writes} queued pulse writes drained by {seats} web seats (practice web EHR)",
            details=[DESKTOP_NOTE],
        ),
        BenchResult(
            "scheduler_overhead",
            through_queue / straight,
            "ratio",
            overhead_writes,
            baseline=straight,
            ratio=through_queue / straight,
            description="median seconds per write through the queue (one seat) / directly via SourceRuntime.create",
            details=[f"through the queue {through_queue:.2f}s, direct {straight:.2f}s per write", DESKTOP_NOTE],
        ),
    ]

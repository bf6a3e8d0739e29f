"""Write throughput of the durable queue over the practice EHRs, and the scheduler's overhead per write.

- `write_drain_web`: pulse Observations queued at once, drained by an in-process scheduler whose web source has
  the production write budget (the map's seats but one); writes per minute from the first dispatch to drained.
- `write_drain_desktop`: the same over the practice desktop EHR, which the desktop driver launches on a display of
  its own; one write at a time (one screen), each found, filled and read back through OCR.
- `scheduler_overhead`: median time per write through the scheduler (one seat: claimed to succeeded, which adds
  the queue's check-before-write, claims and submit gate) divided by the median time of the same create run
  directly through `SourceRuntime.create`, both in this run over the same EHR and browser.
"""

from __future__ import annotations

import sqlite3
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
from bench.machine import machine_load
from bots.credentials import CredentialStore
from bots.engine import SourceRuntime
from bots.map_loader import load_screen_map
from practice_ehrs.clinical_data.database import ensure_database
from retrofhir.config import PROJECT_ROOT, Settings
from scheduler import SchedulerRuntime, SchedulerSettings, SourceLimits, WorkerComponents, WriteStatus, WriteSubmission
from scheduler.bot_executor import BotWriteExecutor
from scheduler.database import create_engine
from scheduler.facade_queue import patient_key
from scheduler.write_history import WriteHistory

SOURCE = "legacy_web"
FIRST_DAY = date(1961, 1, 1)  # the seed has no vitals there, and the EHR refuses dates in the future
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
DESKTOP_SOURCE = "legacy_desktop"
DESKTOP_CREDENTIALS = {"LEGACY_DESKTOP_USERNAME": "nurse", "LEGACY_DESKTOP_PASSWORD": "nurse123"}


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
    limits = SourceLimits(kind="web", seats=seats)
    resources = [pulse(number, target.mrns[:4]) for number in numbers]
    wall, per_write = await drain_source(runtime, limits, resources, data_dir)
    return wall, per_write, runtime


async def drain_source(
    runtime: SourceRuntime, limits: SourceLimits, resources: list[dict[str, Any]], data_dir: Path
) -> tuple[float, list[float]]:
    """Queue the resources for `runtime`'s source and drain them; wall seconds and claimed-to-succeeded seconds."""
    source = runtime.source_id
    settings = SchedulerSettings(sources={source: limits}, sweep_interval_seconds=0.2)
    history_engine = create_engine(settings.queue_url(data_dir))
    executors = {source: BotWriteExecutor(runtime, WriteHistory(history_engine))}
    async with SchedulerRuntime(settings, data_dir, WorkerComponents(executors=executors)) as scheduler:
        started = time.perf_counter()
        ids = []
        for resource in resources:
            submission = WriteSubmission(source, "Observation.create", resource, patient_key=patient_key(resource))
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
    return wall, per_write


async def drain_desktop(writes: int, directory: Path) -> tuple[float, list[float]]:
    """Drain `writes` pulse writes (after one warm-up write) through the practice desktop EHR on its own display."""
    settings = Settings(data_dir=directory)
    database = directory / "practice" / "legacy_desktop.sqlite"
    ensure_database(database)
    with sqlite3.connect(database) as connection:
        mrns = [row[0] for row in connection.execute("SELECT mrn FROM patients ORDER BY mrn LIMIT 4")]
    screen_map = load_screen_map(PROJECT_ROOT / "screen_maps" / "legacy_desktop.yaml")
    runtime = SourceRuntime(
        screen_map, settings=settings, credentials=CredentialStore(environment=DESKTOP_CREDENTIALS), screenshots=False
    )
    limits = SourceLimits(kind="desktop")
    try:
        # Warm-up: the app launched and logged in, outside the measurement.
        await drain_source(runtime, limits, [pulse(0, mrns)], directory / "warm")
        return await drain_source(runtime, limits, [pulse(n, mrns) for n in range(1, writes + 1)], directory / "drain")
    finally:
        await runtime.close()


async def run(writes: int = 8, overhead_writes: int = 4, desktop_writes: int = 4) -> list[BenchResult]:
    with tempfile.TemporaryDirectory(prefix="bench-scheduler-desktop-") as directory:
        desktop_wall, desktop_per_write = await drain_desktop(desktop_writes, Path(directory))
    desktop_load = machine_load()
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
            details=[machine_load()],
        ),
        BenchResult(
            "write_drain_desktop",
            desktop_writes / desktop_wall * 60,
            "writes/min",
            desktop_writes,
            description=f"{desktop_writes} queued pulse writes drained one at a time (practice desktop EHR, OCR)",
            details=[
                f"claimed to succeeded per write: median {statistics.median(desktop_per_write):.1f}s",
                desktop_load,
            ],
        ),
        BenchResult(
            "scheduler_overhead",
            through_queue / straight,
            "ratio",
            overhead_writes,
            baseline=straight,
            ratio=through_queue / straight,
            description="median seconds per write through the queue (one seat) / directly via SourceRuntime.create",
            details=[f"through the queue {through_queue:.2f}s, direct {straight:.2f}s per write", machine_load()],
        ),
    ]

"""The embedded runtime on APScheduler 4 + SQLite: writes drain through real jobs, periodic jobs run on schedule."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from bots.errors import LegacyServerError, LegacyValidationError
from scheduler import (
    HealthReport,
    RetrySettings,
    SchedulerRuntime,
    SchedulerSettings,
    SourceLimits,
    WorkerComponents,
    WriteStatus,
)
from scheduler.executor import ExistingRecord, WriteRequest
from tests.scheduler.conftest import Faults, submission
from tests.scheduler.processes import wait_until_finished
from tests.scheduler.table_executor import TableExecutor, create_target
from tests.scheduler.webhook_receiver import WebhookReceiver, webhook_receiver

pytestmark = pytest.mark.anyio


class CountingSync:
    def __init__(self) -> None:
        self.runs = 0

    async def sync(self) -> int:
        self.runs += 1
        return 3


class ScriptedHealthCheck:
    """Reports the given states in turn, then keeps reporting the last one."""

    def __init__(self, reports: list[HealthReport]) -> None:
        self.reports = reports
        self.runs = 0

    async def check(self) -> HealthReport:
        report = self.reports[min(self.runs, len(self.reports) - 1)]
        self.runs += 1
        return report


class RecordingRetention:
    name = "audit"

    def __init__(self) -> None:
        self.calls: list[int] = []

    async def purge(self, older_than_days: int) -> int:
        self.calls.append(older_than_days)
        return 0


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as running:
        yield running


def settings_for(receiver: WebhookReceiver) -> SchedulerSettings:
    return SchedulerSettings(
        sweep_interval_seconds=0.2,
        lease_seconds=5,
        retry=RetrySettings(max_attempts=4, base_delay_seconds=0.05, max_delay_seconds=0.2),
        sources={
            "legacy-test": SourceLimits(seats=2, sync_interval_seconds=0.2, health_check_interval_seconds=0.2),
        },
        alert_webhook_url=receiver.url,
        retention_interval_seconds=0.5,
        retention_days={"audit": 7, "write-queue": 30},
    )


async def wait_for(condition: object, timeout: float = 30) -> None:
    with anyio.fail_after(timeout):
        while not condition():  # type: ignore[operator]
            await anyio.sleep(0.05)


async def test_writes_drain_in_patient_order_with_retries_dead_letters_and_replay(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    target = tmp_path / "legacy.sqlite"
    create_target(target)
    faults = Faults()
    faults.add("obs-1", "fill", LegacyServerError("HTTP 500"), LegacyServerError("HTTP 500"))
    faults.add("obs-5", "fill", LegacyValidationError("rejected by the legacy screen"))
    components = WorkerComponents(executors={"legacy-test": TableExecutor(target, faults)})

    async with SchedulerRuntime(settings_for(receiver), tmp_path, components) as runtime:
        ids = {}
        for n in range(12):
            record, created = await runtime.submit(submission(f"obs-{n}", patient=f"patient-{n % 3}"))
            assert created
            ids[f"obs-{n}"] = record.id
        await wait_until_finished(runtime.queue, timeout=60)

        statuses = {name: (await runtime.queue.get(write_id)).status for name, write_id in ids.items()}
        assert statuses == {name: WriteStatus.FAILED if name == "obs-5" else WriteStatus.SUCCEEDED for name in ids}
        assert (await runtime.queue.get(ids["obs-1"])).attempts == 3
        failed = await runtime.status.status(ids["obs-5"])
        assert failed is not None
        assert failed.issue_code == "business-rule"
        await wait_for(lambda: receiver.events("write.failed"))
        assert [event["write_id"] for event in receiver.events("write.failed")] == [ids["obs-5"]]

        await runtime.queue.replay(ids["obs-5"], by="operator")
        replayed = await runtime.status.wait(ids["obs-5"], timeout_seconds=30)
        assert replayed is not None
        assert replayed.status == WriteStatus.SUCCEEDED
        assert replayed.resource is not None

    with sqlite3.connect(target) as db:
        rows = db.execute("SELECT patient, identifier FROM legacy_records ORDER BY id").fetchall()
    assert len(rows) == 12
    for patient in ("patient-0", "patient-1", "patient-2"):
        written = [int(identifier.split("-")[1]) for who, identifier in rows if who == patient]
        accepted_order = [n for n in sorted(written) if n != 5]
        assert [n for n in written if n != 5] == accepted_order


async def test_a_duplicate_submission_through_the_runtime_gets_the_first_outcome(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    target = tmp_path / "legacy.sqlite"
    create_target(target)
    components = WorkerComponents(executors={"legacy-test": TableExecutor(target)})
    async with SchedulerRuntime(settings_for(receiver), tmp_path, components) as runtime:
        first, _ = await runtime.submit(submission("obs-1"))
        done = await runtime.status.wait(first.id, timeout_seconds=30)
        again, created = await runtime.submit(submission("obs-1"))

    assert done is not None
    assert done.done
    assert not created
    assert again.id == first.id
    assert again.status == WriteStatus.SUCCEEDED
    assert again.legacy_key == done.legacy_key


async def test_writes_drain_after_a_killed_scheduler_left_a_write_job_counted_as_running(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    """The state a SIGKILLed worker can leave in APScheduler's data store (the 100-write crash proof's stall).

    A dead scheduler's job can be re-acquired once its lease expires without the dead one being released, so the
    task's running-job count stays one too high for good; with a limit on the task no write job ran again.
    """
    target = tmp_path / "legacy.sqlite"
    create_target(target)
    components = WorkerComponents(executors={"legacy-test": TableExecutor(target)})
    async with SchedulerRuntime(settings_for(receiver), tmp_path, components) as runtime:
        first, _ = await runtime.submit(submission("obs-0"))
        await wait_until_finished(runtime.queue, timeout=30)
    with sqlite3.connect(tmp_path / "scheduler" / "jobs.sqlite") as jobs:
        leaked = jobs.execute(
            "UPDATE tasks SET running_jobs = running_jobs + 1 WHERE id = 'scheduler.runtime:process_write_job'"
        )
        assert leaked.rowcount == 1

    async with SchedulerRuntime(settings_for(receiver), tmp_path, components) as runtime:
        ids = [(await runtime.submit(submission(f"obs-{n}", patient=f"patient-{n}")))[0].id for n in range(1, 4)]
        await wait_until_finished(runtime.queue, timeout=30)
        statuses = [(await runtime.queue.get(write_id)).status for write_id in [first.id, *ids]]
    assert statuses == [WriteStatus.SUCCEEDED] * 4


class LoopBlockingExecutor(TableExecutor):
    """Blocks the event loop inside every check-before-write, as OCR or a loaded machine can."""

    async def find_existing(self, request: WriteRequest) -> ExistingRecord | None:
        time.sleep(1.5)
        return await super().find_existing(request)


async def test_writes_drain_when_a_stalled_loop_lets_a_running_jobs_lease_lapse(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    """The 200-write proof's second stall: a job whose APScheduler lease lapsed while it ran was acquired again by
    its own scheduler, and APScheduler 4.0.0a6 crashed when the second run ended; no write ran after that."""
    target = tmp_path / "legacy.sqlite"
    create_target(target)
    settings = settings_for(receiver).model_copy(update={"apscheduler_lease_seconds": 0.5})
    components = WorkerComponents(executors={"legacy-test": LoopBlockingExecutor(target)})
    async with SchedulerRuntime(settings, tmp_path, components) as runtime:
        ids = [(await runtime.submit(submission(f"obs-{n}", patient=f"patient-{n}")))[0].id for n in range(4)]
        await wait_until_finished(runtime.queue, timeout=90)
        statuses = [(await runtime.queue.get(write_id)).status for write_id in ids]
    assert statuses == [WriteStatus.SUCCEEDED] * 4


async def test_periodic_sync_health_checks_and_retention_run_on_schedule(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    sync = CountingSync()
    health = ScriptedHealthCheck(
        [
            HealthReport(examples_run=3),
            HealthReport(examples_run=3, drifted=("vitals.temperature",)),
            HealthReport(examples_run=3, drifted=("vitals.temperature",)),
            HealthReport(examples_run=3),
        ]
    )
    retention = RecordingRetention()
    components = WorkerComponents(
        sync_sources={"legacy-test": sync},
        health_checks={"legacy-test": health},
        retention_targets=[retention],
    )
    async with SchedulerRuntime(settings_for(receiver), tmp_path, components) as runtime:
        await wait_for(lambda: sync.runs >= 2 and health.runs >= 5 and retention.calls)
        states = await runtime.health.states()

    changes = [(event["previous"], event["state"]) for event in receiver.events("health.changed")]
    assert changes == [("healthy", "drift"), ("drift", "healthy")]
    assert receiver.events("health.changed")[0]["detail"] == "drift: vitals.temperature"
    assert [(state.name, state.state, state.examples_run) for state in states] == [("legacy-test", "healthy", 3)]
    assert retention.calls[0] == 7

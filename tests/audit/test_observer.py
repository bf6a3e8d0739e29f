"""The engine's observer: steps queue without waiting, a run's end waits for its evidence, secrets are masked."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from pathlib import Path

from audit import AuditObserver, AuditTrail, TrailWriter, verify_trail
from audit.export import export_run_html
from audit.liveness import STALE_AFTER, interrupted, process_identity
from audit.queries import read_audit_event
from audit.runs import interrupted_runs
from audit.trail import TrailItem
from bots.errors import ErrorContext, ErrorSummary
from bots.observer import Box, RunResult, StepOutcome, StepRecord
from retrofhir.config import PROJECT_ROOT
from tests.audit.conftest import legacy_screen_png, make_run, run_on_own_loop


def test_a_run_through_the_observer_is_committed_when_run_finished_returns(trail: AuditTrail) -> None:
    info, steps, result = make_run("run-obs", drift=True, interaction="Observation.create")
    secret = StepRecord(
        "run-obs",
        len(steps),
        "fill",
        datetime.now(UTC),
        3.0,
        StepOutcome.OK,
        field_name="Password",
        locator_kind="label",
        locator_rank=1,
        box=Box(160, 50, 300, 24),
        value="hunter2",
        value_masked=True,
        screenshot_png=legacy_screen_png("Login", {"Password": "*******"}),
    )
    writer = TrailWriter(trail, queue_size=2)
    observer = AuditObserver(writer)

    async def drive() -> None:
        await observer.run_started(info)
        for step in [*steps, secret]:
            await observer.step(step)
        await observer.run_finished(result)

    try:
        run_on_own_loop(drive)
        run = trail.run("run-obs")
        assert run is not None
        assert run.finished_at is not None
        assert (run.step_count, run.drift, run.outcome_code) == (len(steps) + 1, True, "0")
        assert (run.written_resource_type, run.written_resource_id) == ("Observation", "obs-77")
        assert run.client_id == "integrator-1"
        assert run.scopes == "system/Patient.rs"
        stored = trail.steps("run-obs")
        assert [step.index for step in stored] == list(range(len(steps) + 1))
        assert stored[-1].value_masked
        assert stored[-1].value != "hunter2"
        with trail.session() as session:
            from sqlalchemy import select

            from audit.schema import ChainRecord

            payloads = " ".join(session.scalars(select(ChainRecord.payload).where(ChainRecord.run_id == "run-obs")))
        assert "hunter2" not in payloads
        assert verify_trail(trail).ok
    finally:
        writer.close()


def test_a_failed_run_gets_its_error_and_outcome(trail: AuditTrail) -> None:
    info, steps, _ = make_run("run-fail")
    error = ErrorSummary("ElementNotFound", "no locator matched", ErrorContext(source="legacy-web", step="3"))
    failed = RunResult("run-fail", False, datetime.now(UTC), error=error, response_summary="502")
    writer = TrailWriter(trail)
    observer = AuditObserver(writer)

    async def drive() -> None:
        await observer.run_started(info)
        await observer.step(steps[0])
        await observer.run_finished(failed)

    try:
        run_on_own_loop(drive)
    finally:
        writer.close()
    run = trail.run("run-fail")
    assert run is not None
    assert (run.succeeded, run.outcome_code, run.error_kind) == (False, "8", "ElementNotFound")


def test_the_observer_does_not_raise_into_the_bot_when_the_writer_is_closed(trail: AuditTrail) -> None:
    info, steps, result = make_run("run-closed")
    writer = TrailWriter(trail)
    writer.close()
    observer = AuditObserver(writer)

    async def drive() -> None:
        await observer.run_started(info)
        await observer.step(steps[0])
        await observer.run_finished(result)

    run_on_own_loop(drive)
    assert trail.run("run-closed") is None


class CountingWriter(TrailWriter):
    """The real writer, counting the batches handed to it."""

    def __init__(self, trail: AuditTrail) -> None:
        super().__init__(trail)
        self.batches: list[int] = []

    def try_submit(self, items: Sequence[TrailItem]) -> Future[None] | None:
        self.batches.append(len(items))
        return super().try_submit(items)


def test_steps_reported_together_go_to_the_writer_as_one_batch_without_waiting_for_the_run(trail: AuditTrail) -> None:
    info, steps, result = make_run("run-batches")
    writer = CountingWriter(trail)
    observer = AuditObserver(writer)

    async def drive() -> None:
        await observer.run_started(info)
        for step in steps[:2]:
            await observer.step(step)
        await asyncio.sleep(0)  # the bot yields (waits on its browser): the burst so far is handed over
        writer.flush()
        run = trail.run("run-batches")
        assert run is not None
        assert run.step_count == 2
        for step in steps[2:]:
            await observer.step(step)
        await observer.run_finished(result)

    try:
        run_on_own_loop(drive)
    finally:
        writer.close()
    assert writer.batches == [3, len(steps) - 2 + 1]


CHILD = """
import asyncio, sys
from pathlib import Path
from audit import AuditObserver, AuditSettings, AuditTrail, TrailWriter
from tests.audit.conftest import make_run

tmp = Path(sys.argv[1])
settings = AuditSettings(directory=tmp / "audit", key_file=tmp / "keys", key_env="RETROFHIR_TEST_NO_KEYS")
observer = AuditObserver(TrailWriter(AuditTrail.open(settings, tmp)))
info, steps, _ = make_run("run-killed")

async def drive():
    await observer.run_started(info)
    for step in steps:
        await observer.step(step)
    await asyncio.Event().wait()  # the run never finishes: its process is killed here

asyncio.run(drive())
"""


def test_a_run_whose_process_dies_keeps_its_steps_and_shows_as_interrupted(trail: AuditTrail, tmp_path: Path) -> None:
    _, steps, _ = make_run("run-killed")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=PROJECT_ROOT)
    try:
        deadline = time.monotonic() + 60
        while (run := trail.run("run-killed")) is None or run.step_count < len(steps):
            assert child.poll() is None, "the bot process ended on its own"
            assert time.monotonic() < deadline, "the steps were not committed while the run went on"
            time.sleep(0.05)
        assert interrupted_runs(trail, [run]) == set()  # still running: its process is alive
    finally:
        child.kill()
        child.wait()
    run = trail.run("run-killed")
    assert run is not None
    assert run.finished_at is None
    assert [step.index for step in trail.steps("run-killed")] == [step.index for step in steps]
    assert interrupted_runs(trail, [run]) == {"run-killed"}
    assert verify_trail(trail).ok
    assert "interrupted: its process ended before the run did" in export_run_html(trail, "run-killed", "auditor-1")
    event = read_audit_event(trail, "run-killed", "auditor-1")
    assert event is not None
    assert (event.outcome, event.outcomeDesc) == (
        "8",
        "interrupted: the process running the bot ended before the run did",
    )


def test_an_unfinished_run_of_a_process_that_cannot_be_checked_is_interrupted_once_silent() -> None:
    recorded = datetime.now(UTC)
    assert not interrupted("other-host:123:456", recorded)
    assert interrupted("other-host:123:456", recorded, now=recorded + STALE_AFTER + timedelta(seconds=1))
    assert not interrupted(process_identity(), recorded - 2 * STALE_AFTER)  # this process is alive

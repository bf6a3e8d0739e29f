"""The engine's observer: steps queue without waiting, a run's end waits for its evidence, secrets are masked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from audit import AuditObserver, AuditTrail, TrailWriter, verify_trail
from bots.errors import ErrorContext, ErrorSummary
from bots.observer import Box, RunResult, StepOutcome, StepRecord
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


def test_a_long_run_is_handed_over_in_parts_and_kept_whole(trail: AuditTrail) -> None:
    from audit.observer import FLUSH_AT

    info, steps, result = make_run("run-long")
    many = [replace(steps[1], index=index) for index in range(FLUSH_AT + 6)]
    writer = TrailWriter(trail)
    observer = AuditObserver(writer)

    async def drive() -> None:
        await observer.run_started(info)
        for step in many:
            await observer.step(step)
        await observer.run_finished(result)

    try:
        run_on_own_loop(drive)
    finally:
        writer.close()
    assert [step.index for step in trail.steps("run-long")] == list(range(FLUSH_AT + 6))
    run = trail.run("run-long")
    assert run is not None
    assert (run.step_count, run.succeeded) == (FLUSH_AT + 6, True)
    assert verify_trail(trail).ok

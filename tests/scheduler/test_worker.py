"""Lifecycle of one write through a worker: check-before-write, retries, dead letters, unknown, recovery, leases."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import anyio
import pytest
from sqlalchemy import select

from bots.errors import (
    FieldMismatch,
    LegacyServerError,
    LegacyValidationError,
    SeatsExhausted,
    SessionExpired,
    WriteNotVerified,
    WriteOutcomeUnknown,
)
from scheduler import (
    ExistingRecord,
    LoggedAlerts,
    RetryPolicy,
    SubmitGate,
    VerifiedWrite,
    WriteRecord,
    WriteRequest,
    WriteStatus,
)
from scheduler.claims import WriteClaims
from scheduler.tables import writes
from scheduler.worker import WriteWorker
from tests.scheduler.conftest import QueueBench, observation
from tests.scheduler.table_executor import TableExecutor, target_counts

pytestmark = pytest.mark.anyio


async def test_a_write_goes_queued_running_verifying_succeeded(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    assert await bench.ready() == [write_id]

    assert await bench.worker().process(write_id) == WriteStatus.SUCCEEDED

    record = await bench.queue.get(write_id)
    transitions = [(event.from_status, event.to_status) for event in await bench.queue.events(write_id)]
    assert transitions == [
        (None, "queued"),
        ("queued", "running"),
        ("running", "verifying"),
        ("verifying", "succeeded"),
    ]
    assert record.attempts == 1
    assert record.legacy_key is not None
    assert record.result is not None
    assert record.result["identifier"][0]["value"] == "obs-1"
    assert record.submitted_at is not None
    assert record.finished_at is not None
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_a_finished_write_is_not_run_again(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    await bench.worker().process(write_id)

    assert await bench.worker("worker-b").process(write_id) is None
    assert await bench.ready() == []
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_a_record_already_in_the_legacy_system_is_not_written_again(bench: QueueBench) -> None:
    with sqlite3.connect(bench.target) as db:
        db.execute(
            "INSERT INTO legacy_records (identifier, patient, payload, written_by_pid) VALUES (?, ?, ?, ?)",
            ("obs-1", "patient-1", json.dumps(observation("obs-1")), 0),
        )
    write_id = await bench.submit("obs-1")

    assert await bench.worker().process(write_id) == WriteStatus.SUCCEEDED
    assert ("obs-1", "fill") not in bench.faults.seen
    assert (await bench.queue.events(write_id))[-1].reason == "already in the legacy record (check-before-write)"
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_transient_failure_is_retried_after_backoff_with_check_before_write(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    bench.faults.add("obs-1", "fill", SessionExpired("session ended", source="legacy-test"))

    assert await bench.worker().process(write_id) == WriteStatus.QUEUED
    record = await bench.queue.get(write_id)
    assert record.status == WriteStatus.QUEUED
    assert record.error_kind == "SessionExpired"
    assert record.next_attempt_at > bench.clock.now
    assert await bench.ready() == []  # not before its backoff

    bench.clock.advance((record.next_attempt_at - bench.clock.now).total_seconds())
    assert await bench.ready() == [write_id]
    assert await bench.worker().process(write_id) == WriteStatus.SUCCEEDED
    assert (await bench.queue.get(write_id)).attempts == 2
    assert bench.faults.seen.count(("obs-1", "find")) == 2  # checked before each attempt
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_an_error_after_submit_is_settled_by_reading_back(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    bench.faults.add("obs-1", "submitted", LegacyServerError("error page after save", source="legacy-test"))

    assert await bench.worker().process(write_id) == WriteStatus.SUCCEEDED
    record = await bench.queue.get(write_id)
    assert record.attempts == 1
    assert "found by read-back" in (await bench.queue.events(write_id))[-1].reason  # type: ignore[operator]
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_final_error_fails_and_dead_letters_at_once(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    bench.faults.add("obs-1", "fill", LegacyValidationError("value out of range", screen="vitals"))

    assert await bench.worker().process(write_id) == WriteStatus.FAILED
    record = await bench.queue.get(write_id)
    assert record.attempts == 1
    assert record.dead_lettered_at is not None
    assert record.needs_review
    assert record.reason == "LegacyValidationError: value out of range (screen=vitals)"
    assert [alerted.id for alerted in bench.alerted] == [write_id]
    assert target_counts(bench.target) == {}


async def test_transient_failures_dead_letter_after_max_attempts(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    for _ in range(3):
        bench.faults.add("obs-1", "find", LegacyServerError("HTTP 500"))
    statuses = []
    for _ in range(3):
        bench.clock.advance(1000)
        statuses.append(await bench.worker().process(write_id))

    assert statuses == [WriteStatus.QUEUED, WriteStatus.QUEUED, WriteStatus.FAILED]
    record = await bench.queue.get(write_id)
    assert record.reason is not None
    assert record.reason.startswith("attempts used up")
    assert record.needs_review


async def test_a_write_dead_letters_at_the_workers_attempt_budget_not_the_submitters(bench: QueueBench) -> None:
    """Accepted by a process configured for 3 attempts, run by a worker configured for 4: the worker governs."""
    write_id = await bench.submit("obs-1")
    assert (await bench.queue.get(write_id)).max_attempts == 3
    for _ in range(4):
        bench.faults.add("obs-1", "find", LegacyServerError("HTTP 500"))
    worker = WriteWorker(
        bench.queue,
        bench.claims,
        {"legacy-test": bench.executor},
        RetryPolicy(max_attempts=4, base_delay_seconds=0.01, max_delay_seconds=0.01),
        timedelta(seconds=bench.settings.lease_seconds),
        "worker-a",
        LoggedAlerts(),
    )
    statuses = []
    for _ in range(4):
        bench.clock.advance(1000)
        statuses.append(await worker.process(write_id))

    assert statuses == [WriteStatus.QUEUED, WriteStatus.QUEUED, WriteStatus.QUEUED, WriteStatus.FAILED]
    record = await bench.queue.get(write_id)
    assert record.attempts == record.max_attempts == 4
    assert record.reason is not None
    assert record.reason.startswith("attempts used up")


async def test_a_write_waiting_for_a_free_seat_keeps_its_attempts(bench: QueueBench) -> None:
    """Seats held by a killed worker's sessions until the legacy idle timeout: waits, not dead letters."""
    write_id = await bench.submit("obs-1")
    for _ in range(5):
        bench.faults.add("obs-1", "find", SeatsExhausted("every seat is in use"))
    statuses = []
    for _ in range(5):
        bench.clock.advance(1000)
        statuses.append(await bench.worker().process(write_id))
    record = await bench.queue.get(write_id)
    assert statuses == [WriteStatus.QUEUED] * 5
    assert record.attempts == 0
    assert record.reason is not None
    assert record.reason.startswith("SeatsExhausted")

    bench.clock.advance(1000)
    assert await bench.worker().process(write_id) == WriteStatus.SUCCEEDED
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_outcome_unknown_goes_to_review_and_is_never_retried(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    bench.faults.add("obs-1", "submitted", WriteOutcomeUnknown("bot died before read-back"))

    assert await bench.worker().process(write_id) == WriteStatus.UNKNOWN
    bench.clock.advance(10_000)
    assert await bench.ready() == []
    assert await bench.worker("worker-b").process(write_id) is None
    record = await bench.queue.get(write_id)
    assert record.status == WriteStatus.UNKNOWN
    assert record.needs_review
    assert [alerted.status for alerted in bench.alerted] == [WriteStatus.UNKNOWN]
    assert target_counts(bench.target) == {"obs-1": 1}
    assert bench.faults.seen.count(("obs-1", "fill")) == 1


async def test_read_back_mismatch_fails_naming_fields_only(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    mismatch = WriteNotVerified("read-back differs", [FieldMismatch("temperature", "98.6", "986")])
    bench.faults.add("obs-1", "submitted", mismatch)

    assert await bench.worker().process(write_id) == WriteStatus.FAILED
    record = await bench.queue.get(write_id)
    assert record.reason == "read-back disagreed on: temperature"
    assert "98.6" not in (record.reason or "")


async def _abandon_after(bench: QueueBench, stage: str) -> str:
    """Run a write until `stage`, then leave it as a dead worker would: lease held, nothing more recorded."""
    write_id = await bench.submit("obs-1")

    class WorkerDied(BaseException):
        pass

    bench.faults.add("obs-1", stage, WorkerDied())
    with pytest.raises(BaseExceptionGroup):
        await bench.worker("dying-worker").process(write_id)
    return write_id


async def test_a_lost_worker_before_submit_is_retried_once_its_lease_expires(bench: QueueBench) -> None:
    write_id = await _abandon_after(bench, "fill")
    assert (await bench.queue.get(write_id)).status == WriteStatus.RUNNING
    assert await bench.ready() == []  # the lease still holds

    bench.clock.advance(bench.settings.lease_seconds + 1)
    assert await bench.ready() == [write_id]
    assert await bench.worker("worker-b").process(write_id) == WriteStatus.SUCCEEDED
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_a_lost_worker_after_submit_is_recovered_by_read_back_not_rewritten(bench: QueueBench) -> None:
    write_id = await _abandon_after(bench, "submitted")  # the row is in the legacy table
    bench.clock.advance(bench.settings.lease_seconds + 1)

    assert await bench.worker("worker-b").process(write_id) == WriteStatus.SUCCEEDED
    assert bench.faults.seen.count(("obs-1", "fill")) == 1
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_a_lost_worker_whose_submit_left_no_trace_lands_in_unknown(bench: QueueBench) -> None:
    write_id = await _abandon_after(bench, "submit")  # `verifying` recorded, nothing inserted
    bench.clock.advance(bench.settings.lease_seconds + 1)

    assert await bench.worker("worker-b").process(write_id) == WriteStatus.UNKNOWN
    record = await bench.queue.get(write_id)
    assert record.reason == "the submitting worker was lost and the read-back finds no such record"
    assert bench.faults.seen.count(("obs-1", "fill")) == 1
    assert target_counts(bench.target) == {}


async def test_a_stalled_worker_cannot_record_over_its_successor(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    stalled = await bench.claims.claim(write_id, "stalled", timedelta(seconds=30))
    assert stalled is not None
    bench.clock.advance(31)
    successor = await bench.claims.claim(write_id, "successor", timedelta(seconds=30))
    assert successor is not None

    assert not await bench.claims.transition(stalled, WriteStatus.SUCCEEDED, "late")
    assert not await bench.claims.renew(stalled, timedelta(seconds=30))
    assert await bench.claims.transition(successor, WriteStatus.SUCCEEDED, "done")


async def test_two_claims_at_once_give_the_write_to_one_worker(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    first = await bench.claims.claim(write_id, "a", timedelta(seconds=30))
    second = await bench.claims.claim(write_id, "b", timedelta(seconds=30))
    assert first is not None
    assert second is None


async def test_a_recovery_read_back_that_fails_transiently_is_retried_as_a_read_back(bench: QueueBench) -> None:
    write_id = await _abandon_after(bench, "submitted")
    bench.clock.advance(bench.settings.lease_seconds + 1)
    bench.faults.add("obs-1", "find", LegacyServerError("HTTP 500"))

    assert await bench.worker("worker-b").process(write_id) == WriteStatus.VERIFYING
    record = await bench.queue.get(write_id)
    assert record.lease_owner is None
    bench.clock.advance((record.next_attempt_at - bench.clock.now).total_seconds())
    assert await bench.ready() == [write_id]
    assert await bench.worker("worker-c").process(write_id) == WriteStatus.SUCCEEDED
    assert bench.faults.seen.count(("obs-1", "fill")) == 1
    assert target_counts(bench.target) == {"obs-1": 1}


class _HeldExecutor:
    """Holds every write in `fill` until released, like a slow legacy screen."""

    def __init__(self, inner: TableExecutor) -> None:
        self.inner = inner
        self.filling = anyio.Event()
        self.release = anyio.Event()

    async def find_existing(self, request: WriteRequest) -> ExistingRecord | None:
        return await self.inner.find_existing(request)

    async def write(self, request: WriteRequest, gate: SubmitGate) -> VerifiedWrite:
        self.filling.set()
        await self.release.wait()
        return await self.inner.write(request, gate)


async def test_the_heartbeat_keeps_a_slow_write_leased_to_its_worker(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    bench.clock.now = datetime.now(UTC)  # leases run on the real clock in this test
    real_claims = WriteClaims(bench.engine)
    held = _HeldExecutor(bench.executor)
    worker = WriteWorker(
        bench.queue, real_claims, {"legacy-test": held}, RetryPolicy(), timedelta(seconds=1.5), "slow", LoggedAlerts()
    )
    outcome: list[WriteStatus | None] = []

    async def run() -> None:
        outcome.append(await worker.process(write_id))

    async with anyio.create_task_group() as group:
        group.start_soon(run)
        await held.filling.wait()
        first_expiry = (await bench.queue.get(write_id)).lease_expires_at
        assert first_expiry is not None
        # Wait until the lease has been renewed past the moment it would otherwise have run out.
        with anyio.fail_after(30):
            while datetime.now(UTC) < first_expiry + timedelta(seconds=1):
                await anyio.sleep(0.05)
        assert await real_claims.claim(write_id, "intruder", timedelta(seconds=30)) is None
        renewed = (await bench.queue.get(write_id)).lease_expires_at
        assert renewed is not None
        assert renewed > first_expiry
        held.release.set()

    assert outcome == [WriteStatus.SUCCEEDED]
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_a_claim_decided_on_a_stale_read_loses_to_the_owners_submit_gate(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    owner = await bench.claims.claim(write_id, "owner", timedelta(seconds=30))
    assert owner is not None
    bench.clock.advance(31)  # the owner looks lost...
    async with bench.engine.connect() as connection:
        stale_row = (await connection.execute(select(writes).where(writes.c.id == write_id))).mappings().one()
    # ...but passes its submit gate before the other worker's claim is written.
    assert await bench.claims.transition(owner, WriteStatus.VERIFYING, "submitting", release=False)

    async with bench.engine.begin() as connection:
        # The race happens inside one claim, between its read and its write: drive those two steps apart.
        taken = await bench.claims._take(
            connection,
            WriteRecord.from_row(stale_row),
            stale_row,
            "intruder",
            timedelta(seconds=30),
            bench.clock(),
            stale_row["max_attempts"],
        )
    assert taken is None
    assert (await bench.queue.get(write_id)).lease_owner == "owner"

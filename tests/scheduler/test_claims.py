"""Dispatch and claims: per-patient order, seat budgets, one desktop job per display, redispatch of lost jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bots.errors import LegacyServerError, LegacyValidationError
from scheduler import SourceLimits, WriteStatus
from scheduler.claims import WriteClaims
from tests.scheduler.conftest import QueueBench

pytestmark = pytest.mark.anyio

LEASE = timedelta(seconds=30)


async def test_a_later_write_for_the_same_patient_waits_for_the_earlier_one(bench: QueueBench) -> None:
    first = await bench.submit("obs-1", patient="patient-1")
    second = await bench.submit("obs-2", patient="patient-1")
    other_patient = await bench.submit("obs-3", patient="patient-2")

    assert await bench.ready() == [first, other_patient]
    assert await bench.claims.claim(second, "a", LEASE) is None


async def test_an_earlier_write_in_backoff_still_holds_back_its_patient_but_not_others(bench: QueueBench) -> None:
    first = await bench.submit("obs-1", patient="patient-1")
    second = await bench.submit("obs-2", patient="patient-1")
    other_patient = await bench.submit("obs-3", patient="patient-2")
    bench.faults.add("obs-1", "fill", LegacyServerError("HTTP 500"))

    assert await bench.worker().process(first) == WriteStatus.QUEUED
    assert await bench.ready() == [other_patient]
    assert await bench.worker().process(other_patient) == WriteStatus.SUCCEEDED

    bench.clock.advance(1000)
    assert await bench.ready() == [first]
    assert await bench.worker().process(first) == WriteStatus.SUCCEEDED
    assert await bench.ready() == [second]
    assert await bench.worker().process(second) == WriteStatus.SUCCEEDED


async def test_a_failed_write_does_not_block_the_writes_behind_it(bench: QueueBench) -> None:
    first = await bench.submit("obs-1", patient="patient-1")
    second = await bench.submit("obs-2", patient="patient-1")
    bench.faults.add("obs-1", "fill", LegacyValidationError("rejected"))

    assert await bench.worker().process(first) == WriteStatus.FAILED
    assert await bench.ready() == [second]
    assert await bench.worker().process(second) == WriteStatus.SUCCEEDED


async def test_writes_without_a_patient_key_are_not_ordered(bench: QueueBench) -> None:
    first = await bench.submit("obs-1", patient=None)
    second = await bench.submit("obs-2", patient=None)
    assert await bench.ready() == [first, second]


async def test_a_web_source_runs_no_more_writes_at_once_than_it_has_seats(bench: QueueBench) -> None:
    ids = [await bench.submit(f"obs-{n}", patient=f"patient-{n}") for n in range(4)]

    assert await bench.ready() == ids[:2]  # two seats
    assert await bench.claims.claim(ids[0], "a", LEASE) is not None
    assert await bench.claims.claim(ids[1], "b", LEASE) is not None
    assert await bench.claims.claim(ids[2], "c", LEASE) is None
    record = await bench.queue.get(ids[2])
    assert record.status == WriteStatus.QUEUED


async def test_the_claiming_process_seat_budget_governs_not_the_submitters(bench: QueueBench) -> None:
    """Accepted with 2 seats (the submitter's config); a worker configured with 3 seats runs 3 at once."""
    ids = [await bench.submit(f"obs-{n}", patient=f"patient-{n}") for n in range(4)]
    worker_settings = bench.settings.model_copy(
        update={"sources": {**bench.settings.sources, "legacy-test": SourceLimits(kind="web", seats=3)}}
    )
    worker_claims = WriteClaims(bench.engine, bench.clock, worker_settings)

    assert await worker_claims.take_dispatchable(100, LEASE) == ids[:3]
    for write_id, worker in zip(ids[:3], "abc", strict=True):
        assert await worker_claims.claim(write_id, worker, LEASE) is not None
    assert await worker_claims.claim(ids[3], "d", LEASE) is None


async def test_a_crashed_workers_seat_is_freed_when_its_lease_expires(bench: QueueBench) -> None:
    ids = [await bench.submit(f"obs-{n}", patient=f"patient-{n}") for n in range(3)]
    for write_id, worker in zip(ids[:2], "ab", strict=True):
        assert await bench.claims.claim(write_id, worker, LEASE) is not None
    assert await bench.claims.claim(ids[2], "c", LEASE) is None

    bench.clock.advance(31)
    assert await bench.claims.claim(ids[2], "c", LEASE) is not None


async def test_a_desktop_display_runs_one_write_at_a_time(bench: QueueBench) -> None:
    first = await bench.submit("obs-1", patient="patient-1", source="legacy-desktop")
    second = await bench.submit("obs-2", patient="patient-2", source="legacy-desktop")
    web = await bench.submit("obs-3", patient="patient-3")

    assert await bench.ready() == [first, web]
    assert await bench.claims.claim(first, "a", LEASE) is not None
    assert await bench.claims.claim(second, "b", LEASE) is None


async def test_a_dispatched_write_whose_job_was_lost_is_dispatched_again_later(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    assert await bench.ready() == [write_id]
    assert await bench.ready() == []

    bench.clock.advance(bench.settings.redispatch_after_seconds + 1)
    assert await bench.ready() == [write_id]

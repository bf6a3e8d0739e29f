"""The write queue: durable idempotent acceptance, the review list, replay, resolve and retention purge."""

from __future__ import annotations

import anyio
import pytest

from bots.errors import LegacyValidationError, WriteOutcomeUnknown
from scheduler import InvalidTransition, SchedulerSettings, WriteNotFound, WriteQueue, WriteStatus, WriteSubmission
from scheduler.database import create_engine, create_schema
from scheduler.queue import QueueRetention
from tests.scheduler.conftest import QueueBench, observation, submission
from tests.scheduler.table_executor import target_counts

pytestmark = pytest.mark.anyio


async def test_a_write_is_persisted_as_queued_before_anything_runs(bench: QueueBench) -> None:
    record, created = await bench.queue.submit(submission("obs-1"))

    assert created
    assert record.status == WriteStatus.QUEUED
    assert record.attempts == 0
    assert record.idempotency_basis == "identifier"
    assert await bench.queue.resource(record.id) == observation("obs-1")
    assert target_counts(bench.target) == {}


async def test_a_duplicate_submission_returns_the_first_write_and_its_outcome(bench: QueueBench) -> None:
    first, _ = await bench.queue.submit(submission("obs-1"))
    await bench.worker().process(first.id)

    again, created = await bench.queue.submit(submission("obs-1"))

    assert not created
    assert again.id == first.id
    assert again.status == WriteStatus.SUCCEEDED
    assert again.legacy_key is not None


async def test_simultaneous_duplicate_submissions_create_one_write(bench: QueueBench) -> None:
    results: list[tuple[str, bool]] = []

    async def submit() -> None:
        record, created = await bench.queue.submit(submission("obs-1"))
        results.append((record.id, created))

    async with anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(submit)

    assert len({write_id for write_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1


def _phone_update(phone: str) -> WriteSubmission:
    resource = {"resourceType": "Patient", "id": "0100046", "telecom": [{"system": "phone", "value": phone}]}
    return WriteSubmission("legacy-test", "Patient.update", resource, patient_key="0100046")


async def test_an_update_repeated_after_a_different_one_is_a_new_write_but_a_retry_is_not(bench: QueueBench) -> None:
    first_a, created = await bench.queue.submit(_phone_update("(555) 555-0001"))
    assert created
    retry, created = await bench.queue.submit(_phone_update("(555) 555-0001"))
    assert (retry.id, created) == (first_a.id, False)

    b, created = await bench.queue.submit(_phone_update("(555) 555-0002"))
    assert created
    second_a, created = await bench.queue.submit(_phone_update("(555) 555-0001"))
    assert created
    assert second_a.id not in (first_a.id, b.id)
    retry, created = await bench.queue.submit(_phone_update("(555) 555-0001"))
    assert (retry.id, created) == (second_a.id, False)


async def test_simultaneous_retries_of_one_update_create_one_write(bench: QueueBench) -> None:
    await bench.queue.submit(_phone_update("(555) 555-0001"))
    await bench.queue.submit(_phone_update("(555) 555-0002"))
    results: list[tuple[str, bool]] = []

    async def submit() -> None:
        record, created = await bench.queue.submit(_phone_update("(555) 555-0001"))
        results.append((record.id, created))

    async with anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(submit)

    assert len({write_id for write_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert len(await bench.queue.list_writes()) == 3


async def test_simultaneous_updates_on_postgresql_make_one_write_per_retry_and_a_new_one_after_a_change(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url)
    try:
        await create_schema(engine)
        queue = WriteQueue(engine, SchedulerSettings())
        results: list[tuple[str, bool]] = []

        async def submit(phone: str) -> None:
            record, created = await queue.submit(_phone_update(phone))
            results.append((record.id, created))

        for phone in ("(555) 555-0001", "(555) 555-0002", "(555) 555-0001"):
            results.clear()
            async with anyio.create_task_group() as group:
                for _ in range(4):
                    group.start_soon(submit, phone)
            assert len({write_id for write_id, _ in results}) == 1
            assert sum(created for _, created in results) == 1
        assert len(await queue.list_writes()) == 3
    finally:
        await engine.dispose()


async def test_if_none_exist_decides_identity_for_a_conditional_create(bench: QueueBench) -> None:
    first = WriteSubmission("legacy-test", "Observation.create", observation("a"), if_none_exist="identifier=urn:x|1")
    second = WriteSubmission("legacy-test", "Observation.create", observation("b"), if_none_exist="identifier=urn:x|1")
    record, _ = await bench.queue.submit(first)
    again, created = await bench.queue.submit(second)
    assert not created
    assert again.id == record.id
    assert record.idempotency_basis == "if-none-exist"


async def test_the_review_list_holds_unresolved_failed_and_unknown_writes(bench: QueueBench) -> None:
    failed = await bench.submit("obs-1", patient="p1")
    unknown = await bench.submit("obs-2", patient="p2")
    succeeded = await bench.submit("obs-3", patient="p3")
    bench.faults.add("obs-1", "fill", LegacyValidationError("rejected"))
    bench.faults.add("obs-2", "submitted", WriteOutcomeUnknown("no read-back"))
    for write_id in (failed, unknown, succeeded):
        await bench.worker().process(write_id)

    review = await bench.queue.list_writes(needs_review=True)
    assert [record.id for record in review] == [unknown, failed]
    assert [record.id for record in await bench.queue.list_writes([WriteStatus.SUCCEEDED])] == [succeeded]


async def test_replay_queues_a_dead_lettered_write_and_it_then_succeeds(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    bench.faults.add("obs-1", "fill", LegacyValidationError("legacy screen rejected it"))
    assert await bench.worker().process(write_id) == WriteStatus.FAILED

    replayed = await bench.queue.replay(write_id, by="operator")

    assert replayed.status == WriteStatus.QUEUED
    assert replayed.attempts == 0
    assert not replayed.needs_review
    assert await bench.worker().process(write_id) == WriteStatus.SUCCEEDED
    assert (await bench.queue.events(write_id))[-4].reason == "replayed by operator"
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_replaying_an_unknown_write_checks_before_writing(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    bench.faults.add("obs-1", "submitted", WriteOutcomeUnknown("no read-back"))
    assert await bench.worker().process(write_id) == WriteStatus.UNKNOWN

    await bench.queue.replay(write_id, by="operator")
    assert await bench.worker().process(write_id) == WriteStatus.SUCCEEDED
    assert target_counts(bench.target) == {"obs-1": 1}


async def test_resolve_records_a_persons_verdict(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    bench.faults.add("obs-1", "submitted", WriteOutcomeUnknown("no read-back"))
    await bench.worker().process(write_id)

    resolved = await bench.queue.resolve(
        write_id, WriteStatus.SUCCEEDED, "reviewer", "found it in the chart", legacy_key="42"
    )

    assert resolved.status == WriteStatus.SUCCEEDED
    assert resolved.legacy_key == "42"
    assert resolved.resolved_by == "reviewer"
    assert not resolved.needs_review
    assert (await bench.queue.events(write_id))[-1].reason == "resolved by reviewer: found it in the chart"


async def test_only_failed_or_unknown_writes_can_be_replayed_or_resolved(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    await bench.worker().process(write_id)

    with pytest.raises(InvalidTransition):
        await bench.queue.replay(write_id, by="operator")
    with pytest.raises(InvalidTransition):
        await bench.queue.resolve(write_id, WriteStatus.FAILED, "operator", "no")
    with pytest.raises(WriteNotFound):
        await bench.queue.replay("no-such-write", by="operator")


async def test_retention_purges_old_finished_writes_but_keeps_unreviewed_ones(bench: QueueBench) -> None:
    done = await bench.submit("obs-1", patient="p1")
    unreviewed = await bench.submit("obs-2", patient="p2")
    bench.faults.add("obs-2", "fill", LegacyValidationError("rejected"))
    await bench.worker().process(done)
    await bench.worker().process(unreviewed)
    fresh = await bench.submit("obs-3", patient="p3")

    bench.clock.advance(31 * 86400)
    purged = await QueueRetention(bench.queue).purge(30)

    assert purged == 1
    assert await bench.queue.find(done) is None
    assert await bench.queue.events(done) == []
    assert await bench.queue.find(unreviewed) is not None
    assert await bench.queue.find(fresh) is not None

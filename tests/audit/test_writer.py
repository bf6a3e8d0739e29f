"""The trail writer's group commit: records submitted while a commit is under way share the next transaction."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from audit import AuditTrail, RecordKind, TrailWriter, verify_trail
from audit.chain import lock_head
from audit.records import ResponseRecord, RunStart
from audit.trail import TrailItem
from bots.observer import RunInfo, RunKind, RunResult
from tests.audit.conftest import run_on_own_loop


def _answered_read(run_id: str) -> list[TrailItem]:
    info = RunInfo(run_id, "legacy_web", "Patient.read", kind=RunKind.FACADE, client_id="client-a")
    now = datetime.now(UTC)
    return [RunStart(info, now), RunResult(run_id, True, now), ResponseRecord(run_id, 200, {"resourceType": "Patient"})]


def test_requests_waiting_on_a_busy_chain_are_committed_together_and_awaited(trail: AuditTrail) -> None:
    run_ids = [uuid.uuid4().hex for _ in range(10)]

    async def commit_all_while_the_chain_is_locked() -> list[bool]:
        writer = TrailWriter(trail)
        try:
            with trail.session() as holder:
                lock_head(holder)  # another appender's transaction holds the chain: nothing can commit
                tasks = [asyncio.create_task(writer.commit(_answered_read(run_id))) for run_id in run_ids]
                await asyncio.sleep(0)  # every task has queued its records
                pending = [not task.done() for task in tasks]
            await asyncio.gather(*tasks)
            return pending
        finally:
            writer.close()

    pending = run_on_own_loop(commit_all_while_the_chain_is_locked)
    assert all(pending)
    records = {run_id: trail.run_records(run_id) for run_id in run_ids}
    for run_id, kept in records.items():
        assert [record.kind for record in kept] == [
            RecordKind.RUN_STARTED,
            RecordKind.RUN_FINISHED,
            RecordKind.RESPONSE,
        ]
        assert [record.seq for record in kept] == list(range(kept[0].seq, kept[0].seq + 3)), run_id
    # The writer took the first submission(s) into a transaction that waited on the lock; the rest queued meanwhile
    # and went out in one transaction after it: two commits at most for ten requests.
    transactions = {record.recorded_at for kept in records.values() for record in kept}
    assert len(transactions) <= 2
    assert trail.response(run_ids[-1]) == (200, {"resourceType": "Patient"})
    run = trail.run(run_ids[0])
    assert run is not None
    assert run.succeeded
    assert run.client_id == "client-a"
    assert verify_trail(trail).ok

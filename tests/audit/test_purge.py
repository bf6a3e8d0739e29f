"""Retention: purged steps lose detail and screenshots but keep hashes; the chain still verifies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from audit import AuditTrail, purge_before, purge_expired, verify_trail
from audit.schema import ChainRecord
from tests.audit.conftest import make_run, record_runs


def test_purge_empties_old_steps_keeps_hashes_and_the_chain_verifies(trail: AuditTrail) -> None:
    record_runs(trail, [make_run("old-run", fields={"Family name": "Old"})])
    cutoff = datetime.now(UTC)
    record_runs(trail, [make_run("new-run", fields={"Family name": "New"})])
    old_steps = [step.seq for step in trail.steps("old-run")]
    report = purge_before(trail, cutoff)
    assert report.purged_seqs == old_steps == [2, 3]
    assert report.screenshots_deleted == 1
    assert all(step.purged and step.value is None for step in trail.steps("old-run"))
    assert not any(step.purged for step in trail.steps("new-run"))
    verification = verify_trail(trail)
    assert verification.purged_seqs == old_steps
    assert verification.ok, verification.problems


def test_a_purge_of_a_shared_screenshot_keeps_it_while_a_kept_step_uses_it(trail: AuditTrail) -> None:
    record_runs(trail, [make_run("run-1")])
    cutoff = datetime.now(UTC)
    record_runs(trail, [make_run("run-2")])
    report = purge_before(trail, cutoff)
    assert report.purged_seqs == [2, 3, 4, 5]
    assert report.screenshots_deleted == 0
    assert verify_trail(trail).ok


def test_a_fully_purged_trail_verifies(trail: AuditTrail) -> None:
    record_runs(trail, [make_run("run-1"), make_run("run-2", patient_id="p-2")])
    trail.record_response("run-1", 200, {"resourceType": "Patient", "id": "p-1"})
    assert trail.response("run-1") == (200, {"resourceType": "Patient", "id": "p-1"})
    report = purge_expired(trail, retention_days=0, now=datetime.now(UTC) + timedelta(seconds=1))
    assert len(report.purged_seqs) == 9
    assert trail.response("run-1") is None
    verification = verify_trail(trail)
    assert verification.ok, verification.problems
    assert verification.purged_seqs == report.purged_seqs
    assert trail.screenshots.all_digests() == []


def test_emptying_a_record_without_a_purge_record_is_caught(trail: AuditTrail) -> None:
    record_runs(trail, [make_run("run-1")])
    with trail.session() as session:
        session.execute(
            update(ChainRecord).where(ChainRecord.seq == 3).values(payload=None, purged_at=datetime.now(UTC))
        )
        assert session.scalar(select(ChainRecord.payload).where(ChainRecord.seq == 3)) is None
    report = verify_trail(trail)
    assert report.first_problem is not None
    assert report.first_problem.seq == 3
    assert "no purge record covers it" in report.first_problem.reason

"""Tamper evidence: every kind of alteration to records or screenshots is caught and the first one named."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from audit import AuditTrail, verify_trail
from audit.schema import ChainHead, ChainRecord
from tests.audit.conftest import make_run, record_runs


@pytest.fixture
def filled(trail: AuditTrail) -> AuditTrail:
    record_runs(
        trail,
        [
            make_run("run-a", fields={"Family name": "Smith", "Given name": "Ann"}),
            make_run("run-b", fields={"Family name": "Jones", "Given name": "Bo"}),
        ],
    )
    return trail


def _first(trail: AuditTrail) -> tuple[int, str]:
    report = verify_trail(trail)
    assert not report.ok
    problem = report.first_problem
    assert problem is not None
    return problem.seq, problem.reason


def _step_seqs(trail: AuditTrail) -> list[int]:
    with trail.session() as session:
        return list(session.scalars(select(ChainRecord.seq).where(ChainRecord.kind == "step").order_by("seq")))


def test_an_untouched_trail_verifies(filled: AuditTrail) -> None:
    report = verify_trail(filled)
    assert report.ok, report.problems
    assert report.records_checked == 2 * (1 + 3 + 1)
    assert report.screenshots_checked == 2
    assert report.head_seq == 10


def test_an_altered_payload_is_caught(filled: AuditTrail) -> None:
    with filled.session() as session:
        record = session.get(ChainRecord, 3)
        assert record is not None
        assert record.payload is not None
        session.execute(
            update(ChainRecord).where(ChainRecord.seq == 3).values(payload=record.payload.replace("Smith", "Smyth"))
        )
    assert _first(filled) == (3, "payload does not match its hash (record altered)")


def test_an_altered_payload_with_a_recomputed_payload_hash_is_caught(filled: AuditTrail) -> None:
    from audit.chain import sha256_text

    with filled.session() as session:
        record = session.get(ChainRecord, 3)
        assert record is not None
        assert record.payload is not None
        forged = record.payload.replace("Smith", "Smyth")
        record.payload, record.payload_sha256 = forged, sha256_text(forged)
    assert _first(filled) == (3, "record hash does not match its fields (record altered)")


def test_a_record_rewritten_with_every_hash_recomputed_breaks_the_next_link(filled: AuditTrail) -> None:
    from audit.chain import hash_of, sha256_text

    with filled.session() as session:
        record = session.get(ChainRecord, 3)
        assert record is not None
        assert record.payload is not None
        record.payload = record.payload.replace("Smith", "Smyth")
        record.payload_sha256 = sha256_text(record.payload)
        record.record_hash = hash_of(record)
    assert _first(filled) == (4, "previous-hash does not match the record before it")


def test_a_deleted_record_is_caught(filled: AuditTrail) -> None:
    with filled.session() as session:
        session.execute(delete(ChainRecord).where(ChainRecord.seq == 4))
    seq, reason = _first(filled)
    assert seq == 5
    assert "records are missing" in reason


def test_reordered_records_are_caught(filled: AuditTrail) -> None:
    with filled.session() as session:
        third, fourth = session.get(ChainRecord, 3), session.get(ChainRecord, 4)
        assert third is not None
        assert fourth is not None
        swapped = ("payload", "payload_sha256", "prev_hash", "record_hash", "screenshot_sha256")
        values = [{name: getattr(record, name) for name in swapped} for record in (third, fourth)]
        for record, new in zip((third, fourth), reversed(values), strict=True):
            for name, value in new.items():
                setattr(record, name, value)
    seq, reason = _first(filled)
    assert seq == 3
    assert "hash" in reason


def test_truncating_the_end_of_the_chain_is_caught(filled: AuditTrail) -> None:
    with filled.session() as session:
        session.execute(delete(ChainRecord).where(ChainRecord.seq == 10))
    seq, reason = _first(filled)
    assert seq == 10
    assert "truncated" in reason


def test_truncation_that_also_rewinds_the_head_is_caught_against_an_external_anchor(filled: AuditTrail) -> None:
    anchored_head = verify_trail(filled).head_hash
    with filled.session() as session:
        previous = session.get(ChainRecord, 9)
        assert previous is not None
        session.execute(delete(ChainRecord).where(ChainRecord.seq == 10))
        session.execute(update(ChainHead).values(last_seq=9, last_hash=previous.record_hash))
    report = verify_trail(filled)
    assert report.ok
    assert report.head_hash != anchored_head
    anchored = verify_trail(filled, {10: anchored_head})
    assert anchored.first_problem is not None
    assert anchored.first_problem.seq == 10
    assert "external anchor" in anchored.first_problem.reason


def test_an_altered_screenshot_file_is_caught(filled: AuditTrail) -> None:
    first_step = _step_seqs(filled)[0]
    with filled.session() as session:
        digest = session.get(ChainRecord, first_step).screenshot_sha256  # type: ignore[union-attr]
    assert digest is not None
    path = filled.screenshots.path_of(digest)
    blob = bytearray(path.read_bytes())
    blob[-20] ^= 0x01
    path.write_bytes(bytes(blob))
    seq, reason = _first(filled)
    assert seq == first_step
    assert "failed authentication" in reason


def test_a_deleted_screenshot_is_caught(filled: AuditTrail) -> None:
    second_run_step = _step_seqs(filled)[3]
    with filled.session() as session:
        digest = session.get(ChainRecord, second_run_step).screenshot_sha256  # type: ignore[union-attr]
    assert digest is not None
    filled.screenshots.path_of(digest).unlink()
    seq, reason = _first(filled)
    assert seq == second_run_step
    assert "missing" in reason


def test_a_screenshot_swapped_for_another_valid_one_is_caught(filled: AuditTrail) -> None:
    steps = _step_seqs(filled)
    with filled.session() as session:
        first = session.get(ChainRecord, steps[0]).screenshot_sha256  # type: ignore[union-attr]
        other = session.get(ChainRecord, steps[3]).screenshot_sha256  # type: ignore[union-attr]
    assert first is not None
    assert other is not None
    assert first != other
    filled.screenshots.path_of(first).write_bytes(filled.screenshots.path_of(other).read_bytes())
    seq, _reason = _first(filled)
    assert seq == steps[0]


def test_an_export_style_check_proves_every_record_but_only_its_runs_screenshots(filled: AuditTrail) -> None:
    with filled.session() as session:
        digest_b = session.scalars(
            select(ChainRecord.screenshot_sha256).where(
                ChainRecord.run_id == "run-b", ChainRecord.screenshot_sha256.is_not(None)
            )
        ).first()
    assert digest_b is not None
    filled.screenshots.path_of(digest_b).unlink()
    only_a = verify_trail(filled, screenshots_of=["run-a"])
    assert only_a.ok, only_a.problems
    assert (only_a.records_checked, only_a.screenshots_checked) == (10, 1)
    assert not verify_trail(filled, screenshots_of=["run-b"]).ok
    assert not verify_trail(filled).ok

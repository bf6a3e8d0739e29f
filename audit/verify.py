"""Check the whole chain and every screenshot; name the first record that does not match."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit import chain
from audit.blobstore import ScreenshotMismatch, ScreenshotMissing, ScreenshotStore
from audit.chain import GENESIS_HASH, RecordKind
from audit.schema import ChainRecord
from audit.trail import AuditTrail


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"record {self.seq}: {self.reason}"


@dataclass
class VerificationReport:
    records_checked: int = 0
    screenshots_checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    problems: list[ChainProblem] = field(default_factory=list)
    purged_seqs: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> ChainProblem | None:
        return min(self.problems, key=lambda problem: problem.seq) if self.problems else None


def verify_trail(
    trail: AuditTrail, anchors: dict[int, str] | None = None, screenshots_of: Sequence[str] | None = None
) -> VerificationReport:
    """Walk every record in seq order, recomputing hashes and links, and decrypt and hash every screenshot (or, with
    `screenshots_of`, those of these runs only: an export proves the whole chain and its own run's pictures without
    decrypting every file the trail holds).

    `anchors` are (seq -> record hash) pairs kept outside the database (printed by an earlier verify, or in an
    exported evidence file): they catch what no internal check can, a chain cut short with its head rewound.
    """
    report = VerificationReport()
    wanted = dict(anchors or {})
    with trail.session() as session:
        report.head_seq, report.head_hash = chain.head(session)
        purge_covered = _purged_by_purge_records(session)
        records = session.scalars(select(ChainRecord).order_by(ChainRecord.seq)).yield_per(500)
        previous: ChainRecord | None = None
        for record in records:
            session.expunge(record)
            report.records_checked += 1
            _check_link(record, previous, report)
            _check_record(record, report, purge_covered)
            anchored = wanted.pop(record.seq, None)
            if anchored is not None and anchored != record.record_hash:
                report.problems.append(ChainProblem(record.seq, "record hash differs from its external anchor"))
            previous = record
        _check_head(previous, report)
        for seq in sorted(wanted):
            report.problems.append(ChainProblem(seq, "an external anchor names this record but the chain lacks it"))
    _check_screenshots(trail.screenshots, trail, report, screenshots_of)
    return report


def _check_link(record: ChainRecord, previous: ChainRecord | None, report: VerificationReport) -> None:
    expected_seq = 1 if previous is None else previous.seq + 1
    expected_prev = GENESIS_HASH if previous is None else previous.record_hash
    if record.seq != expected_seq:
        report.problems.append(ChainProblem(record.seq, f"expected record {expected_seq} here: records are missing"))
    elif record.prev_hash != expected_prev:
        report.problems.append(ChainProblem(record.seq, "previous-hash does not match the record before it"))


def _check_record(record: ChainRecord, report: VerificationReport, purge_covered: set[int]) -> None:
    if chain.hash_of(record) != record.record_hash:
        report.problems.append(ChainProblem(record.seq, "record hash does not match its fields (record altered)"))
    if record.payload is None or record.purged_at is not None:
        if record.purged_at is None or record.seq not in purge_covered:
            report.problems.append(ChainProblem(record.seq, "payload removed but no purge record covers it"))
        report.purged_seqs.append(record.seq)
        return
    if chain.sha256_text(record.payload) != record.payload_sha256:
        report.problems.append(ChainProblem(record.seq, "payload does not match its hash (record altered)"))


def _purged_by_purge_records(session: Session) -> set[int]:
    """Seqs that some purge record in the chain says it purged (purge records are themselves verified)."""
    covered: set[int] = set()
    query = select(ChainRecord.payload).where(ChainRecord.kind == RecordKind.PURGE, ChainRecord.payload.is_not(None))
    for payload in session.scalars(query):
        try:
            ranges = json.loads(payload or "{}").get("seq_ranges", [])
        except (ValueError, AttributeError):
            continue
        for first, last in ranges:
            covered.update(range(int(first), int(last) + 1))
    return covered


def _check_head(last: ChainRecord | None, report: VerificationReport) -> None:
    last_seq = 0 if last is None else last.seq
    last_hash = GENESIS_HASH if last is None else last.record_hash
    if report.head_seq != last_seq:
        report.problems.append(
            ChainProblem(last_seq + 1, f"chain ends at {last_seq} but its head says {report.head_seq} (truncated)")
        )
    elif report.head_hash != last_hash:
        report.problems.append(ChainProblem(last_seq, "last record's hash differs from the chain head"))


def _check_screenshots(
    store: ScreenshotStore, trail: AuditTrail, report: VerificationReport, run_ids: Sequence[str] | None
) -> None:
    purged = set(report.purged_seqs)
    checked: dict[str, str | None] = {}
    query = select(ChainRecord.seq, ChainRecord.screenshot_sha256).where(ChainRecord.screenshot_sha256.is_not(None))
    if run_ids is not None:
        query = query.where(ChainRecord.run_id.in_(list(run_ids)))
    with trail.session() as session:
        rows = session.execute(query.order_by(ChainRecord.seq)).all()
    for seq, digest in rows:
        if seq in purged or digest is None:
            continue
        if digest not in checked:
            try:
                store.get(digest)
                checked[digest] = None
            except (ScreenshotMissing, ScreenshotMismatch, ValueError) as error:
                checked[digest] = str(error)
            report.screenshots_checked += 1
        if checked[digest] is not None:
            report.problems.append(ChainProblem(seq, f"{checked[digest]}"))


def verify_run(trail: AuditTrail, run_id: str) -> VerificationReport:
    """Check one run's records, their links to the records just before them, and their screenshots.

    Cheap enough for every console page view; `verify_trail` remains the whole-chain proof.
    """
    report = VerificationReport()
    with trail.session() as session:
        report.head_seq, report.head_hash = chain.head(session)
        purge_covered = _purged_by_purge_records(session)
        records = list(session.scalars(select(ChainRecord).where(ChainRecord.run_id == run_id).order_by("seq")))
        predecessors = {
            record.seq: record
            for record in session.scalars(
                select(ChainRecord).where(ChainRecord.seq.in_([record.seq - 1 for record in records]))
            )
        }
        for record in records:
            session.expunge(record)
    for record in records:
        report.records_checked += 1
        previous = predecessors.get(record.seq - 1)
        if record.seq > 1 and previous is None:
            report.problems.append(ChainProblem(record.seq, f"record {record.seq - 1} before it is missing"))
        else:
            _check_link(record, previous, report)
        _check_record(record, report, purge_covered)
        if record.screenshot_sha256 and record.seq not in report.purged_seqs:
            report.screenshots_checked += 1
            try:
                trail.screenshots.get(record.screenshot_sha256)
            except (ScreenshotMissing, ScreenshotMismatch) as error:
                report.problems.append(ChainProblem(record.seq, str(error)))
    return report

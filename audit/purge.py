"""Retention: drop step detail, screenshots and FHIR responses older than the retention period, keeping every hash.

A purged step keeps seq, kind, run, time, payload hash, screenshot hash and chain links, so the chain still
verifies; the purge itself is a chain record listing the seqs it emptied, and `verify` accepts an emptied
record only if such a purge record covers it. Run start and end records are kept: they are the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from audit import chain
from audit.chain import PURGEABLE_KINDS, ChainEntry, RecordKind, timestamp
from audit.schema import ChainRecord
from audit.trail import AuditTrail


@dataclass
class PurgeReport:
    cutoff: str
    purged_seqs: list[int] = field(default_factory=list)
    screenshots_deleted: int = 0
    purge_record_seq: int | None = None

    @property
    def seq_ranges(self) -> list[list[int]]:
        return seq_ranges(self.purged_seqs)


def seq_ranges(seqs: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7] -> [[1, 3], [7, 7]]."""
    ranges: list[list[int]] = []
    for seq in sorted(seqs):
        if ranges and ranges[-1][1] == seq - 1:
            ranges[-1][1] = seq
        else:
            ranges.append([seq, seq])
    return ranges


def purge_expired(trail: AuditTrail, retention_days: int, now: datetime | None = None) -> PurgeReport:
    return purge_before(trail, (now or datetime.now(UTC)) - timedelta(days=retention_days))


def purge_before(trail: AuditTrail, cutoff: datetime) -> PurgeReport:
    """Empty every step recorded before `cutoff`, delete screenshots no kept step still uses, and log the purge."""
    report = PurgeReport(cutoff=timestamp(cutoff))
    with trail.session() as session:
        expired = session.execute(
            select(ChainRecord.seq, ChainRecord.screenshot_sha256).where(
                ChainRecord.kind.in_(PURGEABLE_KINDS),
                ChainRecord.purged_at.is_(None),
                ChainRecord.recorded_at < report.cutoff,
            )
        ).all()
        if not expired:
            return report
        report.purged_seqs = [seq for seq, _digest in expired]
        # The purge record goes in first, in the same transaction, so no record is ever emptied without one.
        entry = ChainEntry(RecordKind.PURGE, "*", {"cutoff": report.cutoff, "seq_ranges": report.seq_ranges})
        report.purge_record_seq = chain.append(session, [entry])[0].seq
        for first, last in report.seq_ranges:
            session.execute(
                update(ChainRecord)
                .where(ChainRecord.seq.between(first, last), ChainRecord.kind.in_(PURGEABLE_KINDS))
                .values(payload=None, purged_at=datetime.now(UTC))
            )
    candidates = {digest for _seq, digest in expired if digest is not None}
    with trail.session() as session:
        # Under the chain head lock, so no append can commit a new use of a file between this check and its
        # deletion (appenders re-file their screenshots under the same lock).
        chain.lock_head(session)
        still_used = set(
            session.scalars(
                select(ChainRecord.screenshot_sha256).where(
                    ChainRecord.screenshot_sha256.in_(candidates), ChainRecord.purged_at.is_(None)
                )
            )
        )
        for digest in candidates - still_used:
            if trail.screenshots.delete(digest):
                report.screenshots_deleted += 1
    return report

"""Plain values read from the write queue: a write's current record and the events that led to it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping

from scheduler.tables import FINISHED_STATUSES, WriteStatus


@dataclass(frozen=True)
class WriteSubmission:
    """What the facade hands over for one create or update; validated FHIR JSON, not yet touched by any bot."""

    source: str
    interaction: str
    resource: dict[str, Any]
    if_none_exist: str | None = None
    # Writes sharing a patient key run in the order they were accepted; None means no ordering constraint.
    patient_key: str | None = None


@dataclass(frozen=True)
class WriteRecord:
    """A write's state. `reason` never holds patient data; `result` is the verified resource once succeeded."""

    id: str
    seq: int
    source: str
    interaction: str
    resource_type: str
    patient_key: str | None
    idempotency_basis: str
    status: WriteStatus
    attempts: int
    max_attempts: int
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime
    finished_at: datetime | None
    submitted_at: datetime | None
    legacy_key: str | None
    result: dict[str, Any] | None
    error_kind: str | None
    reason: str | None
    lease_owner: str | None
    lease_expires_at: datetime | None
    dead_lettered_at: datetime | None
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def needs_review(self) -> bool:
        """Dead-lettered (failed) or unknown, and no person has resolved it yet."""
        return self.status in (WriteStatus.FAILED, WriteStatus.UNKNOWN) and self.resolved_at is None

    @classmethod
    def from_row(cls, row: RowMapping) -> WriteRecord:
        result_json = row["result_json"]
        return cls(
            id=row["id"],
            seq=row["seq"],
            source=row["source"],
            interaction=row["interaction"],
            resource_type=row["resource_type"],
            patient_key=row["patient_key"],
            idempotency_basis=row["idempotency_basis"],
            status=WriteStatus(row["status"]),
            attempts=row["attempts"],
            max_attempts=row["max_attempts"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            next_attempt_at=row["next_attempt_at"],
            finished_at=row["finished_at"],
            submitted_at=row["submitted_at"],
            legacy_key=row["legacy_key"],
            result=json.loads(result_json) if result_json else None,
            error_kind=row["error_kind"],
            reason=row["reason"],
            lease_owner=row["lease_owner"],
            lease_expires_at=row["lease_expires_at"],
            dead_lettered_at=row["dead_lettered_at"],
            resolved_at=row["resolved_at"],
            resolved_by=row["resolved_by"],
            resolution=row["resolution"],
        )


@dataclass(frozen=True)
class WriteEvent:
    """One persisted transition: the evidence trail of a write."""

    at: datetime
    from_status: str | None
    to_status: str
    attempt: int
    worker: str | None
    reason: str | None

    @classmethod
    def from_row(cls, row: RowMapping) -> WriteEvent:
        return cls(
            at=row["at"],
            from_status=row["from_status"],
            to_status=row["to_status"],
            attempt=row["attempt"],
            worker=row["worker"],
            reason=row["reason"],
        )

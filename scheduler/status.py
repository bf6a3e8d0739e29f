"""What the facade asks about a write: its status, the verified resource, or an OperationOutcome-worthy reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio

from scheduler.queue import WriteQueue
from scheduler.records import WriteRecord
from scheduler.tables import WriteStatus

# FHIR `IssueType` codes for how a write ended without landing, by the error that ended it.
_ISSUE_BY_ERROR = {
    "LegacyValidationError": "business-rule",
    "DuplicateRecord": "duplicate",
    "WriteNotVerified": "conflict",
    "RecordNotFound": "not-found",
    "InputRejected": "invalid",
}


@dataclass(frozen=True)
class WriteStatusReport:
    """A write as the facade reports it (status endpoint, or the body of a 201/500)."""

    write_id: str
    source: str
    interaction: str
    status: WriteStatus
    attempts: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    legacy_key: str | None
    resource: dict[str, Any] | None  # the verified resource once succeeded
    reason: str | None  # PHI-free; for the OperationOutcome's diagnostics
    error_kind: str | None

    @property
    def done(self) -> bool:
        """Whether the write has finished (succeeded, failed or unknown); otherwise poll again later."""
        return self.status in (WriteStatus.SUCCEEDED, WriteStatus.FAILED, WriteStatus.UNKNOWN)

    @property
    def issue_code(self) -> str | None:
        """The OperationOutcome issue code for a write that did not land; None while pending or once succeeded."""
        if self.status == WriteStatus.UNKNOWN:
            return "incomplete"
        if self.status != WriteStatus.FAILED:
            return None
        return _ISSUE_BY_ERROR.get(self.error_kind or "", "exception")

    @classmethod
    def of(cls, record: WriteRecord) -> WriteStatusReport:
        return cls(
            write_id=record.id,
            source=record.source,
            interaction=record.interaction,
            status=record.status,
            attempts=record.attempts,
            created_at=record.created_at,
            updated_at=record.updated_at,
            finished_at=record.finished_at,
            legacy_key=record.legacy_key,
            resource=record.result,
            reason=record.reason,
            error_kind=record.error_kind,
        )


class WriteStatusService:
    """The facade's view of the queue for its async pattern (202 + Content-Location, then polling)."""

    def __init__(self, queue: WriteQueue, poll_interval_seconds: float = 0.1) -> None:
        self.queue = queue
        self.poll_interval_seconds = poll_interval_seconds

    async def status(self, write_id: str) -> WriteStatusReport | None:
        record = await self.queue.find(write_id)
        return WriteStatusReport.of(record) if record is not None else None

    async def wait(self, write_id: str, timeout_seconds: float) -> WriteStatusReport | None:
        """The write's status once it is done or when the timeout runs out, whichever comes first."""
        # The deadline is checked between queries rather than imposed by cancellation: a query cancelled half-way
        # leaves its database connection to be torn down behind the caller's back.
        deadline = anyio.current_time() + timeout_seconds
        report = await self.status(write_id)
        while report is not None and not report.done:
            remaining = deadline - anyio.current_time()
            if remaining <= 0:
                break
            await anyio.sleep(min(self.poll_interval_seconds, remaining))
            report = await self.status(write_id)
        return report

"""The write queue's own durable tables (SQLAlchemy Core), separate from APScheduler's data store."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class WriteStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    VERIFYING = "verifying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNKNOWN = "unknown"


ACTIVE_STATUSES = (WriteStatus.QUEUED, WriteStatus.RUNNING, WriteStatus.VERIFYING)
IN_FLIGHT_STATUSES = (WriteStatus.RUNNING, WriteStatus.VERIFYING)
FINISHED_STATUSES = (WriteStatus.SUCCEEDED, WriteStatus.FAILED, WriteStatus.UNKNOWN)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as naive UTC (SQLite has no time zones) and always returned time-zone aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


metadata = MetaData()

writes = Table(
    "retrofhir_writes",
    metadata,
    # `seq` orders writes as they were accepted; per-patient ordering follows it.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("source", String(100), nullable=False),
    Column("interaction", String(100), nullable=False),
    Column("resource_type", String(64), nullable=False),
    Column("patient_key", String(200)),
    # A SHA-256 of the key's basis, so that identifiers (which may be PHI) never appear in listings.
    Column("idempotency_key", String(64), nullable=False),
    Column("idempotency_basis", String(20), nullable=False),
    Column("if_none_exist", Text),
    Column("resource_json", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("max_attempts", Integer, nullable=False),
    Column("concurrency_group", String(120), nullable=False),
    Column("group_limit", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("dispatched_at", UTCDateTime),
    Column("lease_owner", String(200)),
    Column("lease_token", String(36)),
    Column("lease_expires_at", UTCDateTime),
    Column("submitted_at", UTCDateTime),
    Column("legacy_key", String(200)),
    Column("result_json", Text),
    Column("error_kind", String(100)),
    Column("reason", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("dead_lettered_at", UTCDateTime),
    Column("resolved_at", UTCDateTime),
    Column("resolved_by", String(200)),
    Column("resolution", Text),
    UniqueConstraint("source", "interaction", "idempotency_key", name="retrofhir_writes_idempotency"),
    Index("retrofhir_writes_dispatch", "status", "next_attempt_at"),
    Index("retrofhir_writes_patient", "source", "patient_key", "seq"),
    Index("retrofhir_writes_group", "concurrency_group", "status"),
)

# Every transition of every write, with the worker and a PHI-free reason: the evidence a reviewer reads.
write_events = Table(
    "retrofhir_write_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("write_id", String(36), ForeignKey("retrofhir_writes.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("worker", String(200)),
    Column("reason", Text),
    Index("retrofhir_write_events_write", "write_id", "id"),
)

# The latest write accepted for each update target (a resource's type and id, hashed: ids may be PHI). An update's
# idempotency key includes the seq of the write before it, so an update A, then B, then A again is a new write.
update_targets = Table(
    "retrofhir_update_targets",
    metadata,
    Column("source", String(100), primary_key=True),
    Column("interaction", String(100), primary_key=True),
    Column("target", String(64), primary_key=True),
    Column("write_id", String(36), nullable=False),
    Column("write_seq", Integer, nullable=False),
    Column("content_key", String(64), nullable=False),
)

# One row per concurrency group; updating it first serialises claims in that group on SQLite and PostgreSQL alike.
group_locks = Table(
    "retrofhir_write_group_locks",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("claims", Integer, nullable=False, default=0),
)

# The last known state of each health check, so a change is logged and alerted once across all workers.
health_states = Table(
    "retrofhir_health_states",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("checked_at", UTCDateTime, nullable=False),
    Column("examples_run", Integer, nullable=False),
    Column("drifted", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("detail", Text),
)

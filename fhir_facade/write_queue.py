"""The seam between the facade and the durable write queue: the WriteQueue protocol and its value types.

The scheduler implements it durably (APScheduler, check-before-write, verify-after-write, retries);
`DirectWriteQueue` runs writes in-process through the provider until then, behind the same interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from bots.errors import ErrorSummary
from fhir_facade.provider import JsonObject, ProvidedResource


class WriteState(StrEnum):
    """A write's lifecycle: queued → running → verifying → succeeded | failed | unknown."""

    QUEUED = "queued"
    RUNNING = "running"
    VERIFYING = "verifying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def final(self) -> bool:
        return self in (WriteState.SUCCEEDED, WriteState.FAILED, WriteState.UNKNOWN)


class WriteInteraction(StrEnum):
    CREATE = "create"
    UPDATE = "update"


@dataclass(frozen=True)
class WriteRequest:
    """One validated write. `legacy_key` names the record an update changes; `client_id` is who asked."""

    source: str
    interaction: WriteInteraction
    resource_type: str
    resource: JsonObject
    idempotency_key: str
    legacy_key: str | None = None
    client_id: str | None = None


@dataclass(frozen=True)
class WriteStatus:
    """Where a write stands. `result` is the record as read back after a verified write."""

    job_id: str
    state: WriteState
    request: WriteRequest
    result: ProvidedResource | None = None
    error: ErrorSummary | None = None
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@runtime_checkable
class WriteQueue(Protocol):
    """Durable, idempotent writes.

    - `enqueue`: accept a write; the same `(source, idempotency_key)` returns the existing job unless that one
      `failed` (then the write may be tried again); a write never runs twice because it was sent twice.
    - `wait`: return the job's status as soon as it is final, or its current status after `timeout_seconds`.
    - `status`: the job's current status, or None for an unknown job id.
    """

    async def enqueue(self, request: WriteRequest) -> WriteStatus: ...

    async def wait(self, job_id: str, timeout_seconds: float) -> WriteStatus: ...

    async def status(self, job_id: str) -> WriteStatus | None: ...

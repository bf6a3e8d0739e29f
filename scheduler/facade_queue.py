"""The FHIR facade's WriteQueue on the scheduler's durable queue: facade writes survive restarts and run once.

    queue = FacadeWriteQueue(scheduler_runtime, {"legacy-web": "legacy_web"})   # facade base -> scheduler source
    await queue.create_schema()
    app = create_app(settings, providers, queue)

A write is accepted by `SchedulerRuntime.submit` (idempotent, durable) before any UI is touched, and run by
whichever worker claims it. This module keeps one small table of its own beside the queue's: which facade
idempotency key and which FHIR client each write came from, so the same request finds the same write, only its
client can poll its status, and the audit trail can name the client behind a worker's runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Index, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bots.errors import ErrorSummary
from fhir_facade.provider import ProvidedResource
from fhir_facade.write_queue import WriteInteraction, WriteRequest, WriteState, WriteStatus
from scheduler.database import schema_lock
from scheduler.records import WriteRecord, WriteSubmission
from scheduler.runtime import SchedulerRuntime
from scheduler.tables import UTCDateTime
from scheduler.tables import WriteStatus as QueueStatus
from scheduler.transactions import connected, transaction

IF_NONE_EXIST_PREFIX = "if-none-exist:"

metadata = MetaData()

# A facade request's idempotency key (hashed: identifiers may be PHI) -> the durable write it became.
facade_writes = Table(
    "retrofhir_facade_writes",
    metadata,
    Column("source", String(100), primary_key=True),
    Column("key_digest", String(64), primary_key=True),
    Column("write_id", String(36), nullable=False),
    Column("interaction", String(16), nullable=False),
    Column("resource_type", String(64), nullable=False),
    Column("legacy_key", String(200)),
    Column("client_id", String(200)),
    Column("created_at", UTCDateTime, nullable=False),
    Index("retrofhir_facade_writes_write", "write_id"),
)


def patient_key(resource: Mapping[str, Any]) -> str | None:
    """The patient a write is about: writes for one patient run in the order they were accepted."""
    if resource.get("resourceType") == "Patient":
        return str(resource["id"]) if resource.get("id") else None
    for element in ("subject", "patient"):
        reference = resource.get(element)
        if isinstance(reference, dict) and isinstance(reference.get("reference"), str):
            return str(reference["reference"]).rsplit("/", 1)[-1]
    return None


async def create_facade_schema(engine: AsyncEngine) -> None:
    """Create this module's table if missing (idempotent, safe with several processes starting)."""
    async with schema_lock(engine), transaction(engine) as connection:
        await connection.run_sync(metadata.create_all)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _error_of(record: WriteRecord) -> ErrorSummary | None:
    if record.status not in (QueueStatus.FAILED, QueueStatus.UNKNOWN):
        return None
    kind = record.error_kind or ("WriteOutcomeUnknown" if record.status == QueueStatus.UNKNOWN else "BotError")
    message = record.reason or "the write did not land"
    # The worker's reasons read "Kind: message"; the facade names the kind itself.
    return ErrorSummary(kind, message.removeprefix(f"{kind}: "))


class FacadeWriteQueue:
    """Implements `fhir_facade.WriteQueue` over a started `SchedulerRuntime`."""

    def __init__(self, runtime: SchedulerRuntime, sources: Mapping[str, str]) -> None:
        self.runtime = runtime
        self.sources = dict(sources)
        self._facade_names = {scheduler_name: facade for facade, scheduler_name in self.sources.items()}

    @property
    def engine(self) -> AsyncEngine:
        return self.runtime.engine

    async def create_schema(self) -> None:
        await create_facade_schema(self.engine)

    async def enqueue(self, request: WriteRequest) -> WriteStatus:
        resource = dict(request.resource)
        if request.interaction == WriteInteraction.UPDATE and request.legacy_key is not None:
            resource["id"] = request.legacy_key
        key = request.idempotency_key
        if_none_exist = key.removeprefix(IF_NONE_EXIST_PREFIX) if key.startswith(IF_NONE_EXIST_PREFIX) else None
        submission = WriteSubmission(
            self.sources.get(request.source, request.source),
            f"{request.resource_type}.{request.interaction.value}",
            resource,
            if_none_exist=if_none_exist,
            patient_key=patient_key(resource),
        )
        record, created = await self.runtime.submit(submission)
        if not created and record.status == QueueStatus.FAILED:
            # A failed write asked for again is tried again, from check-before-write as always.
            record = await self.runtime.queue.replay(record.id, f"client {request.client_id or 'unknown'}")
            await self.runtime.dispatch_ready()
        await self._remember(request, record.id)
        status = await self.status(record.id)
        if status is None:
            raise LookupError(record.id)
        return status

    async def _remember(self, request: WriteRequest, write_id: str) -> None:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        row = dialect.insert(facade_writes).values(
            source=request.source,
            key_digest=_digest(request.idempotency_key),
            write_id=write_id,
            interaction=request.interaction.value,
            resource_type=request.resource_type,
            legacy_key=request.legacy_key,
            client_id=request.client_id,
            created_at=datetime.now(UTC),
        )
        async with transaction(self.engine) as connection:
            await connection.execute(row.on_conflict_do_nothing())

    async def wait(self, job_id: str, timeout_seconds: float) -> WriteStatus:
        await self.runtime.status.wait(job_id, max(timeout_seconds, 0))
        status = await self.status(job_id)
        if status is None:
            raise KeyError(job_id)
        return status

    async def status(self, job_id: str) -> WriteStatus | None:
        record = await self.runtime.queue.find(job_id)
        if record is None:
            return None
        query = select(facade_writes).where(facade_writes.c.write_id == job_id).order_by(facade_writes.c.created_at)
        async with connected(self.engine) as connection:
            row = (await connection.execute(query)).mappings().first()
        source = row["source"] if row is not None else self._facade_names.get(record.source, record.source)
        request = WriteRequest(
            source,
            WriteInteraction(record.interaction.rsplit(".", 1)[-1]),
            record.resource_type,
            await self.runtime.queue.resource(job_id),
            row["key_digest"] if row is not None else record.idempotency_basis,
            legacy_key=row["legacy_key"] if row is not None else None,
            client_id=row["client_id"] if row is not None else None,
        )
        result = None
        if record.status == QueueStatus.SUCCEEDED and record.result is not None:
            seen_at = record.finished_at or record.updated_at
            result = ProvidedResource(record.result, record.legacy_key or str(record.result["id"]), seen_at)
        return WriteStatus(
            job_id, WriteState(record.status.value), request, result, _error_of(record), record.updated_at
        )

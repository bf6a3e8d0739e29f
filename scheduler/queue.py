"""The durable write queue: accept a write once (idempotently), read it, and let a person replay or resolve it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from scheduler.idempotency import idempotency_key
from scheduler.records import WriteEvent, WriteRecord, WriteSubmission
from scheduler.settings import SchedulerSettings
from scheduler.tables import FINISHED_STATUSES, WriteStatus, group_locks, write_events, writes
from scheduler.transactions import connected, transaction
from scheduler.update_targets import LatestUpdate, chained_key, latest_update, remember_update, update_target

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class WriteNotFound(LookupError):
    """No write has this id."""


class InvalidTransition(ValueError):
    """The write is not in a state that allows what was asked (e.g. replaying a succeeded write)."""


async def record_event(
    connection: AsyncConnection,
    write_id: str,
    at: datetime,
    from_status: str | None,
    to_status: str,
    attempt: int,
    worker: str | None,
    reason: str | None,
) -> None:
    """Append one transition to a write's evidence trail (inside the caller's transaction)."""
    await connection.execute(
        insert(write_events).values(
            write_id=write_id,
            at=at,
            from_status=from_status,
            to_status=to_status,
            attempt=attempt,
            worker=worker,
            reason=reason,
        )
    )


async def _ensure_group_lock(connection: AsyncConnection, name: str) -> None:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    await connection.execute(dialect.insert(group_locks).values(name=name, claims=0).on_conflict_do_nothing())


class WriteQueue:
    """Accepts writes and answers questions about them; `scheduler.claims.WriteClaims` is the worker side."""

    def __init__(self, engine: AsyncEngine, settings: SchedulerSettings, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock

    async def submit(self, submission: WriteSubmission) -> tuple[WriteRecord, bool]:
        """Persist a write before any UI is touched; a duplicate returns the first write and False.

        An update is a duplicate only of the latest write for its resource (see `scheduler.update_targets`).
        """
        key = idempotency_key(submission.interaction, submission.resource, submission.if_none_exist)
        target = update_target(submission.interaction, submission.resource)
        if target is None:
            existing = await self._find_by_key(submission.source, submission.interaction, key.digest)
            if existing is not None:
                return existing, False
        now = self.clock()
        write_id = str(uuid.uuid4())
        digest = key.digest
        duplicate_of: str | None = None
        try:
            async with transaction(self.engine) as connection:
                if target is not None:
                    latest = await latest_update(connection, submission.source, submission.interaction, target)
                    if latest is not None and latest.content_key == key.digest:
                        duplicate_of = await self._existing_id(connection, latest.write_id)
                    digest = chained_key(key.digest, latest)
                if duplicate_of is None:
                    seq = await self._insert(connection, submission, write_id, digest, key.basis, now)
                    if target is not None:
                        latest = LatestUpdate(write_id, seq, key.digest)
                        await remember_update(connection, submission.source, submission.interaction, target, latest)
        except IntegrityError:
            # Another process accepted the same write between our lookup and our insert.
            raced = await self._find_by_key(submission.source, submission.interaction, digest)
            if raced is None:
                raise
            return raced, False
        if duplicate_of is not None:
            return await self.get(duplicate_of), False
        return await self.get(write_id), True

    async def _existing_id(self, connection: AsyncConnection, write_id: str) -> str | None:
        """The write's id if it is still kept (retention may have purged it)."""
        query = select(writes.c.id).where(writes.c.id == write_id)
        return (await connection.execute(query)).scalar()

    async def _insert(
        self,
        connection: AsyncConnection,
        submission: WriteSubmission,
        write_id: str,
        digest: str,
        basis: str,
        now: datetime,
    ) -> int:
        """Insert a queued write and its first event; returns its seq."""
        group, group_limit = self.settings.concurrency_group(submission.source)
        await _ensure_group_lock(connection, group)
        await connection.execute(
            insert(writes).values(
                id=write_id,
                source=submission.source,
                interaction=submission.interaction,
                resource_type=str(submission.resource.get("resourceType", "")),
                patient_key=submission.patient_key,
                idempotency_key=digest,
                idempotency_basis=basis,
                if_none_exist=submission.if_none_exist,
                resource_json=json.dumps(submission.resource, separators=(",", ":")),
                status=WriteStatus.QUEUED,
                attempts=0,
                max_attempts=self.settings.retry.max_attempts,
                concurrency_group=group,
                group_limit=group_limit,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )
        await record_event(connection, write_id, now, None, WriteStatus.QUEUED, 0, None, "accepted")
        seq = (await connection.execute(select(writes.c.seq).where(writes.c.id == write_id))).scalar_one()
        return int(seq)

    async def _find_by_key(self, source: str, interaction: str, digest: str) -> WriteRecord | None:
        query = select(writes).where(
            and_(writes.c.source == source, writes.c.interaction == interaction, writes.c.idempotency_key == digest)
        )
        async with connected(self.engine) as connection:
            row = (await connection.execute(query)).mappings().first()
        return WriteRecord.from_row(row) if row is not None else None

    async def find(self, write_id: str) -> WriteRecord | None:
        async with connected(self.engine) as connection:
            row = (await connection.execute(select(writes).where(writes.c.id == write_id))).mappings().first()
        return WriteRecord.from_row(row) if row is not None else None

    async def get(self, write_id: str) -> WriteRecord:
        record = await self.find(write_id)
        if record is None:
            raise WriteNotFound(write_id)
        return record

    async def list_writes(
        self,
        statuses: Sequence[WriteStatus] = (),
        source: str | None = None,
        needs_review: bool = False,
        limit: int = 100,
    ) -> list[WriteRecord]:
        """Writes newest first; `needs_review` keeps only unresolved failed (dead-lettered) and unknown ones."""
        query = select(writes).order_by(writes.c.seq.desc()).limit(limit)
        if statuses:
            query = query.where(writes.c.status.in_([str(status) for status in statuses]))
        if source is not None:
            query = query.where(writes.c.source == source)
        if needs_review:
            query = query.where(
                writes.c.status.in_([WriteStatus.FAILED, WriteStatus.UNKNOWN]), writes.c.resolved_at.is_(None)
            )
        async with connected(self.engine) as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [WriteRecord.from_row(row) for row in rows]

    async def events(self, write_id: str) -> list[WriteEvent]:
        query = select(write_events).where(write_events.c.write_id == write_id).order_by(write_events.c.id)
        async with connected(self.engine) as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [WriteEvent.from_row(row) for row in rows]

    async def resource(self, write_id: str) -> dict[str, Any]:
        """The submitted resource (patient data: for executors and reviewers, never for logs)."""
        async with connected(self.engine) as connection:
            value = (await connection.execute(select(writes.c.resource_json).where(writes.c.id == write_id))).scalar()
        if value is None:
            raise WriteNotFound(write_id)
        loaded: dict[str, Any] = json.loads(value)
        return loaded

    async def replay(self, write_id: str, by: str) -> WriteRecord:
        """Queue a failed or unknown write again; its next attempt starts with check-before-write as always."""
        now = self.clock()
        async with transaction(self.engine) as connection:
            record = await self._locked_record(connection, write_id)
            if record.status not in (WriteStatus.FAILED, WriteStatus.UNKNOWN):
                raise InvalidTransition(f"only failed or unknown writes can be replayed, this one is {record.status}")
            await connection.execute(
                update(writes)
                .where(writes.c.id == write_id)
                .values(
                    status=WriteStatus.QUEUED,
                    attempts=0,
                    next_attempt_at=now,
                    dispatched_at=None,
                    submitted_at=None,
                    finished_at=None,
                    dead_lettered_at=None,
                    resolved_at=None,
                    resolved_by=None,
                    resolution=None,
                    updated_at=now,
                )
            )
            await record_event(
                connection, write_id, now, record.status, WriteStatus.QUEUED, 0, None, f"replayed by {by}"
            )
        return await self.get(write_id)

    async def resolve(
        self, write_id: str, outcome: WriteStatus, by: str, note: str, legacy_key: str | None = None
    ) -> WriteRecord:
        """A person's verdict on a failed or unknown write: it did land (`succeeded`) or it did not (`failed`)."""
        if outcome not in (WriteStatus.SUCCEEDED, WriteStatus.FAILED):
            raise InvalidTransition("a write is resolved as succeeded or failed")
        now = self.clock()
        async with transaction(self.engine) as connection:
            record = await self._locked_record(connection, write_id)
            if record.status not in (WriteStatus.FAILED, WriteStatus.UNKNOWN):
                raise InvalidTransition(f"only failed or unknown writes can be resolved, this one is {record.status}")
            values: dict[str, Any] = {
                "status": outcome,
                "resolved_at": now,
                "resolved_by": by,
                "resolution": note,
                "updated_at": now,
                "finished_at": now,
            }
            if legacy_key is not None:
                values["legacy_key"] = legacy_key
            await connection.execute(update(writes).where(writes.c.id == write_id).values(**values))
            await record_event(
                connection, write_id, now, record.status, outcome, record.attempts, None, f"resolved by {by}: {note}"
            )
        return await self.get(write_id)

    async def _locked_record(self, connection: AsyncConnection, write_id: str) -> WriteRecord:
        query = select(writes).where(writes.c.id == write_id)
        if connection.dialect.name == "postgresql":
            query = query.with_for_update()
        row = (await connection.execute(query)).mappings().first()
        if row is None:
            raise WriteNotFound(write_id)
        return WriteRecord.from_row(row)

    async def purge_finished(self, older_than_days: int) -> int:
        """Delete finished, resolved-or-succeeded writes (and their events) older than the retention period."""
        cutoff = self.clock() - timedelta(days=older_than_days)
        reviewed = (writes.c.status == WriteStatus.SUCCEEDED) | writes.c.resolved_at.is_not(None)
        condition = and_(
            writes.c.status.in_([str(status) for status in FINISHED_STATUSES]),
            reviewed,
            writes.c.finished_at < cutoff,
        )
        async with transaction(self.engine) as connection:
            doomed = select(writes.c.id).where(condition)
            await connection.execute(delete(write_events).where(write_events.c.write_id.in_(doomed)))
            result = await connection.execute(delete(writes).where(condition))
        return int(result.rowcount)


class QueueRetention:
    """The write queue as a retention target: finished writes hold patient data and are purged like the rest."""

    name = "write-queue"

    def __init__(self, queue: WriteQueue) -> None:
        self.queue = queue

    async def purge(self, older_than_days: int) -> int:
        return await self.queue.purge_finished(older_than_days)

"""The worker side of the write queue: dispatch ready writes, claim one under a lease, record each transition.

Every change a worker makes is fenced by its lease token, so a worker that stalled past its lease and was
replaced can no longer change the write. Claims in one concurrency group are serialised by updating the
group's lock row first, which is what keeps the seat budget global across processes.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Select

from scheduler.executor import WriteRequest
from scheduler.queue import Clock, record_event, utc_now
from scheduler.records import WriteRecord
from scheduler.settings import SchedulerSettings
from scheduler.tables import ACTIVE_STATUSES, IN_FLIGHT_STATUSES, WriteStatus, group_locks, writes
from scheduler.transactions import transaction


@dataclass(frozen=True)
class Claim:
    """A write this worker owns until `lease_token` is replaced; `recovering` means a past attempt submitted."""

    record: WriteRecord
    request: WriteRequest
    worker: str
    lease_token: str
    recovering: bool

    @property
    def write_id(self) -> str:
        return self.record.id

    @property
    def attempt(self) -> int:
        return self.record.attempts


def _claimable(now: datetime) -> ColumnElement[bool]:
    lease_gone = or_(writes.c.lease_expires_at.is_(None), writes.c.lease_expires_at < now)
    return and_(
        writes.c.next_attempt_at <= now,
        or_(
            writes.c.status == WriteStatus.QUEUED,
            and_(writes.c.status.in_([str(status) for status in IN_FLIGHT_STATUSES]), lease_gone),
        ),
    )


def _earlier_active_same_patient() -> ColumnElement[bool]:
    earlier = writes.alias("earlier")
    return exists(
        select(earlier.c.seq).where(
            earlier.c.source == writes.c.source,
            earlier.c.patient_key == writes.c.patient_key,
            earlier.c.seq < writes.c.seq,
            earlier.c.status.in_([str(status) for status in ACTIVE_STATUSES]),
        )
    )


def _live_in_group(now: datetime) -> Select[Any]:
    return (
        select(writes.c.concurrency_group, func.count())
        .where(writes.c.status.in_([str(status) for status in IN_FLIGHT_STATUSES]), writes.c.lease_expires_at >= now)
        .group_by(writes.c.concurrency_group)
    )


class WriteClaims:
    """Dispatch and claim writes; with `settings`, this process's seat budgets govern, not the submitter's."""

    def __init__(self, engine: AsyncEngine, clock: Clock = utc_now, settings: SchedulerSettings | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.settings = settings

    def _group_limit(self, source: str, accepted_limit: int) -> int:
        """How many writes may run at once in a write's group: this process's budget for its source if configured."""
        if self.settings is None:
            return accepted_limit
        return self.settings.concurrency_group(source)[1]

    async def take_dispatchable(self, limit: int, redispatch_after: timedelta) -> list[str]:
        """Ids of ready writes, marked dispatched, within each group's free slots and in per-patient order."""
        now = self.clock()
        not_dispatched = or_(writes.c.dispatched_at.is_(None), writes.c.dispatched_at < now - redispatch_after)
        candidates = (
            select(writes.c.id, writes.c.source, writes.c.concurrency_group, writes.c.group_limit)
            .where(_claimable(now), not_dispatched, ~_earlier_active_same_patient())
            .order_by(writes.c.seq)
            .limit(limit)
        )
        chosen: list[str] = []
        async with transaction(self.engine) as connection:
            rows = (await connection.execute(candidates)).all()
            if not rows:
                return []
            live: dict[str, int] = defaultdict(int, await self._live_counts(connection, now))
            for write_id, source, group, group_limit in rows:
                if live[group] >= self._group_limit(source, group_limit):
                    continue
                marked = await connection.execute(
                    update(writes).where(writes.c.id == write_id, not_dispatched).values(dispatched_at=now)
                )
                if marked.rowcount == 1:
                    live[group] += 1
                    chosen.append(write_id)
        return chosen

    async def claim(
        self, write_id: str, worker: str, lease: timedelta, max_attempts: int | None = None
    ) -> Claim | None:
        """Take a ready write under a fresh lease, or None if it is not ready, blocked or owned by someone else.

        `max_attempts` (the claiming worker's retry budget) replaces the budget stored when the write was accepted.
        """
        now = self.clock()
        async with transaction(self.engine) as connection:
            group = (
                await connection.execute(select(writes.c.concurrency_group).where(writes.c.id == write_id))
            ).scalar()
            if group is None:
                return None
            await connection.execute(
                update(group_locks).where(group_locks.c.name == group).values(claims=group_locks.c.claims + 1)
            )
            row = (
                (await connection.execute(select(writes).where(writes.c.id == write_id, _claimable(now))))
                .mappings()
                .first()
            )
            if row is None:
                return None
            if row["patient_key"] is not None and await self._blocked_by_patient_order(connection, row["seq"]):
                await self._undispatch(connection, write_id)
                return None
            live = (await self._live_counts(connection, now)).get(group, 0)
            if live >= self._group_limit(row["source"], row["group_limit"]):
                await self._undispatch(connection, write_id)
                return None
            budget = row["max_attempts"] if max_attempts is None else max_attempts
            return await self._take(connection, WriteRecord.from_row(row), row, worker, lease, now, budget)

    async def _live_counts(self, connection: AsyncConnection, now: datetime) -> dict[str, int]:
        rows = (await connection.execute(_live_in_group(now))).all()
        return {str(group): int(count) for group, count in rows}

    async def _blocked_by_patient_order(self, connection: AsyncConnection, seq: int) -> bool:
        query = select(writes.c.seq).where(writes.c.seq == seq, _earlier_active_same_patient())
        return (await connection.execute(query)).first() is not None

    async def _undispatch(self, connection: AsyncConnection, write_id: str) -> None:
        await connection.execute(update(writes).where(writes.c.id == write_id).values(dispatched_at=None))

    async def undispatch(self, write_id: str) -> None:
        """Make a dispatched write ready for the next sweep (its job was not run)."""
        async with transaction(self.engine) as connection:
            await self._undispatch(connection, write_id)

    async def _take(
        self,
        connection: AsyncConnection,
        previous: WriteRecord,
        row: Any,
        worker: str,
        lease: timedelta,
        now: datetime,
        max_attempts: int,
    ) -> Claim | None:
        recovering = previous.status == WriteStatus.VERIFYING
        status = WriteStatus.VERIFYING if recovering else WriteStatus.RUNNING
        token = str(uuid.uuid4())
        attempts = previous.attempts + 1
        # Compare-and-set on what was read: if the owner passed its submit gate meanwhile, this claim loses.
        previous_token = row["lease_token"]
        same_owner = (
            writes.c.lease_token.is_(None) if previous_token is None else writes.c.lease_token == previous_token
        )
        taken = await connection.execute(
            update(writes)
            .where(
                writes.c.id == previous.id,
                writes.c.status == previous.status,
                same_owner,
            )
            .values(
                status=status,
                attempts=attempts,
                max_attempts=max_attempts,
                lease_owner=worker,
                lease_token=token,
                lease_expires_at=now + lease,
                updated_at=now,
            )
        )
        if taken.rowcount != 1:
            return None
        if recovering:
            reason = "claimed to recover a submitted attempt whose worker was lost"
        elif previous.status == WriteStatus.RUNNING:
            reason = f"claimed; the previous worker {previous.lease_owner} was lost before submit"
        else:
            reason = "claimed"
        await record_event(connection, previous.id, now, previous.status, status, attempts, worker, reason)
        request = WriteRequest(
            write_id=previous.id,
            source=previous.source,
            interaction=previous.interaction,
            resource=json.loads(row["resource_json"]),
            attempt=attempts,
            if_none_exist=row["if_none_exist"],
            patient_key=previous.patient_key,
        )
        record = WriteRecord.from_row(
            (await connection.execute(select(writes).where(writes.c.id == previous.id))).mappings().one()
        )
        return Claim(record, request, worker, token, recovering)

    async def renew(self, claim: Claim, lease: timedelta) -> bool:
        """Extend the lease (the heartbeat); False means another worker has taken the write over."""
        now = self.clock()
        async with transaction(self.engine) as connection:
            result = await connection.execute(
                update(writes)
                .where(writes.c.id == claim.write_id, writes.c.lease_token == claim.lease_token)
                .values(lease_expires_at=now + lease)
            )
        return bool(result.rowcount == 1)

    async def transition(
        self, claim: Claim, to_status: WriteStatus, event_reason: str, release: bool = True, **values: Any
    ) -> bool:
        """Move the claimed write to `to_status` (giving up the lease unless `release` is False).

        Returns False, changing nothing, if another worker has taken the write over.
        """
        now = self.clock()
        if release:
            values.setdefault("lease_owner", None)
            values.setdefault("lease_token", None)
            values.setdefault("lease_expires_at", None)
            values.setdefault("dispatched_at", None)
        async with transaction(self.engine) as connection:
            previous = (
                await connection.execute(
                    select(writes.c.status).where(
                        writes.c.id == claim.write_id, writes.c.lease_token == claim.lease_token
                    )
                )
            ).scalar()
            if previous is None:
                return False
            result = await connection.execute(
                update(writes)
                .where(writes.c.id == claim.write_id, writes.c.lease_token == claim.lease_token)
                .values(status=to_status, updated_at=now, **values)
            )
            if result.rowcount != 1:
                return False
            await record_event(
                connection, claim.write_id, now, previous, to_status, claim.attempt, claim.worker, event_reason
            )
        return True

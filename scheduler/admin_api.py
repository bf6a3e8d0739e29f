"""The admin API the facade mounts: list and show writes, replay dead-lettered ones, resolve unknown ones.

Nothing here returns a resource's content: listings and details carry ids, states, timestamps and PHI-free
reasons. Authentication belongs to the facade (`app.include_router(router, dependencies=[...])`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from scheduler.periodic import HealthMonitor
from scheduler.queue import InvalidTransition, WriteNotFound, WriteQueue
from scheduler.records import WriteEvent, WriteRecord
from scheduler.tables import WriteStatus


class WriteSummary(BaseModel):
    id: str
    source: str
    interaction: str
    resource_type: str
    status: WriteStatus
    attempts: int
    max_attempts: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    next_attempt_at: datetime
    legacy_key: str | None
    error_kind: str | None
    reason: str | None
    needs_review: bool
    resolved_by: str | None
    resolution: str | None

    @classmethod
    def of(cls, record: WriteRecord) -> WriteSummary:
        return cls(
            id=record.id,
            source=record.source,
            interaction=record.interaction,
            resource_type=record.resource_type,
            status=record.status,
            attempts=record.attempts,
            max_attempts=record.max_attempts,
            created_at=record.created_at,
            updated_at=record.updated_at,
            finished_at=record.finished_at,
            next_attempt_at=record.next_attempt_at,
            legacy_key=record.legacy_key,
            error_kind=record.error_kind,
            reason=record.reason,
            needs_review=record.needs_review,
            resolved_by=record.resolved_by,
            resolution=record.resolution,
        )


class EventOut(BaseModel):
    at: datetime
    from_status: str | None
    to_status: str
    attempt: int
    worker: str | None
    reason: str | None

    @classmethod
    def of(cls, event: WriteEvent) -> EventOut:
        return cls(**vars(event))


class WriteDetail(WriteSummary):
    events: list[EventOut]


class ReplayRequest(BaseModel):
    by: str = Field(min_length=1, max_length=200)


class ResolveRequest(BaseModel):
    outcome: Literal["succeeded", "failed"]
    by: str = Field(min_length=1, max_length=200)
    note: str = Field(min_length=1, max_length=2000)
    legacy_key: str | None = None


class HealthOut(BaseModel):
    name: str
    state: str
    examples_run: int
    drifted: int
    failed: int
    detail: str


def admin_router(queue: WriteQueue, health: HealthMonitor | None = None) -> APIRouter:
    """Routes under whatever prefix the facade chooses, e.g. `/admin/queue`."""
    router = APIRouter(tags=["write queue"])

    async def detail(write_id: str) -> WriteDetail:
        try:
            record = await queue.get(write_id)
        except WriteNotFound as error:
            raise HTTPException(404, "no such write") from error
        events = [EventOut.of(event) for event in await queue.events(write_id)]
        return WriteDetail(**WriteSummary.of(record).model_dump(), events=events)

    @router.get("/writes")
    async def list_writes(
        status: Annotated[list[WriteStatus] | None, Query()] = None,
        source: str | None = None,
        review: bool = False,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[WriteSummary]:
        """Writes newest first; `review=true` gives the review list (unresolved dead-lettered and unknown)."""
        records = await queue.list_writes(status or (), source, review, limit)
        return [WriteSummary.of(record) for record in records]

    @router.get("/writes/{write_id}")
    async def show_write(write_id: str) -> WriteDetail:
        return await detail(write_id)

    @router.post("/writes/{write_id}/replay")
    async def replay_write(write_id: str, body: ReplayRequest) -> WriteDetail:
        try:
            await queue.replay(write_id, body.by)
        except WriteNotFound as error:
            raise HTTPException(404, "no such write") from error
        except InvalidTransition as error:
            raise HTTPException(409, str(error)) from error
        return await detail(write_id)

    @router.post("/writes/{write_id}/resolve")
    async def resolve_write(write_id: str, body: ResolveRequest) -> WriteDetail:
        try:
            await queue.resolve(write_id, WriteStatus(body.outcome), body.by, body.note, body.legacy_key)
        except WriteNotFound as error:
            raise HTTPException(404, "no such write") from error
        except InvalidTransition as error:
            raise HTTPException(409, str(error)) from error
        return await detail(write_id)

    if health is not None:
        monitor = health

        @router.get("/health-checks")
        async def health_checks() -> list[HealthOut]:
            """The last state of every screen map's health check, with drift and failure counts."""
            return [HealthOut(**vars(state)) for state in await monitor.states()]

    return router

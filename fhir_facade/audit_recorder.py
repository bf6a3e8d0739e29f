"""An audit record for every FHIR interaction the facade answers, and the answer kept next to each bot run.

    observer = RequestRunObserver(AuditObserver(writer))          # the engine's observer, wrapped
    queue = RequestJobWriteQueue(write_queue)                     # the facade's write queue, wrapped
    app.add_middleware(FhirAuditMiddleware, trail=trail, source_ids={"legacy-web": "legacy_web"})

The middleware opens a `RequestAudit` for each `/fhir/{source}/...` request; the wrapped observer notes there the
FHIR runs the request caused (runs started in the request's task or tasks it created) and the wrapped queue the
write jobs it queued (their runs happen in a worker; the trail finds them by job id). Before the last byte of
the answer goes out, each such run gets the response recorded (a `ResponseRecord`); a request that no
bot run served (answered from the local store, refused, failed before the bot) is written as a run of its own
without steps, so its AuditEvent says which client read which patient's data even though no screen was touched.
A request's records go through a `TrailWriter` (group commit): its run and response in one transaction, shared
with whatever other requests queued meanwhile, and the answer's last byte waits for that commit. The middleware
owns that writer unless given one (`writer=`), and closes its own when the app's lifespan shuts down.
AuditEvent and Provenance requests are recorded as views of the trail instead (by `audit.queries`).
Which interaction a request is, and whose data it touched, is read by `fhir_facade.audited_request`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from audit.records import ResponseRecord, RunStart
from audit.schema import Run
from audit.trail import AuditTrail, TrailItem
from audit.writer import TrailWriter
from bots.errors import ErrorSummary
from bots.observer import RunInfo, RunKind, RunObserver, RunResult, StepRecord
from fhir_facade.audited_request import FhirRequest, fhir_request, patient_of
from fhir_facade.write_queue import WriteQueue, WriteRequest, WriteStatus

__all__ = [
    "AUDIT_RESOURCE_TYPES",
    "MAX_RECORDED_BODY_BYTES",
    "FhirAuditMiddleware",
    "FhirRequest",
    "RequestAudit",
    "RequestJobWriteQueue",
    "RequestRunObserver",
    "fhir_request",
    "note_views_recorded",
    "patient_of",
    "runs_of_jobs",
]

logger = logging.getLogger(__name__)

AUDIT_RESOURCE_TYPES = frozenset({"AuditEvent", "Provenance"})
# Larger answers are recorded by status only: the trail is not a copy of the store.
MAX_RECORDED_BODY_BYTES = 2_000_000
# An HTTP failure as the error kind whose AuditEvent outcome fits it (audit.outcome): the caller's mistakes minor.
_FAILURE_KINDS = {404: "RecordNotFound", 410: "RecordNotFound"}


@dataclass
class RequestAudit:
    """What one FHIR request caused: the bot runs that served it, and whether the trail recorded a view."""

    run_ids: list[str] = field(default_factory=list)
    job_ids: list[str] = field(default_factory=list)
    views_recorded: bool = False


_current: ContextVar[RequestAudit | None] = ContextVar("retrofhir_request_audit", default=None)


def note_views_recorded() -> None:
    """Called by whatever recorded the current request as a view of the trail (AuditEvent/Provenance queries)."""
    audit = _current.get()
    if audit is not None:
        audit.views_recorded = True


class RequestRunObserver:
    """A RunObserver that tells the current FHIR request which runs it caused, then forwards everything."""

    def __init__(self, inner: RunObserver) -> None:
        self.inner = inner

    async def run_started(self, run: RunInfo) -> None:
        audit = _current.get()
        if audit is not None and run.kind == RunKind.FHIR:
            audit.run_ids.append(run.run_id)
        await self.inner.run_started(run)

    async def step(self, record: StepRecord) -> None:
        await self.inner.step(record)

    async def run_finished(self, result: RunResult) -> None:
        await self.inner.run_finished(result)


class RequestJobWriteQueue:
    """A WriteQueue that tells the current FHIR request which write job it queued, then forwards everything.

    A job's runs happen in a worker, outside the request; the trail finds them by job id once the job is done.
    """

    def __init__(self, inner: WriteQueue) -> None:
        self.inner = inner

    async def enqueue(self, request: WriteRequest) -> WriteStatus:
        status = await self.inner.enqueue(request)
        audit = _current.get()
        if audit is not None:
            audit.job_ids.append(status.job_id)
        return status

    async def wait(self, job_id: str, timeout_seconds: float) -> WriteStatus:
        return await self.inner.wait(job_id, timeout_seconds)

    async def status(self, job_id: str) -> WriteStatus | None:
        return await self.inner.status(job_id)


def runs_of_jobs(trail: AuditTrail, job_ids: list[str]) -> list[str]:
    """The runs the trail holds for these write jobs (none yet while a job is still queued)."""
    if not job_ids:
        return []
    with trail.session() as session:
        return list(session.scalars(select(Run.run_id).where(Run.job_id.in_(job_ids)).order_by(Run.started_at)))


class FhirAuditMiddleware:
    """ASGI middleware: every FHIR interaction on a resource type leaves a record in the audit trail."""

    def __init__(
        self,
        app: ASGIApp,
        trail: AuditTrail,
        source_ids: dict[str, str] | None = None,
        writer: TrailWriter | None = None,
    ) -> None:
        self.app = app
        self.trail = trail
        self.source_ids = source_ids or {}
        self._writer = writer
        self._owns_writer = writer is None

    @property
    def writer(self) -> TrailWriter:
        """The group committer the requests' records go through (the middleware's own, started on first use)."""
        if self._writer is None:
            self._writer = TrailWriter(self.trail)
        return self._writer

    def close(self) -> None:
        """Stop the middleware's own writer (everything a request waited for is already committed)."""
        if self._owns_writer and self._writer is not None:
            self._writer.close()
            self._writer = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing_on_shutdown(send))
            return
        request = fhir_request(scope) if scope["type"] == "http" else None
        if request is None or request.resource_type in AUDIT_RESOURCE_TYPES:
            await self.app(scope, receive, send)
            return
        audit = RequestAudit()
        token = _current.set(audit)
        started_at = datetime.now(UTC)
        status = 500
        chunks: list[bytes] = []
        json_body = False

        async def send_recording(message: Message) -> None:
            nonlocal status, json_body
            if message["type"] == "http.response.start":
                status = int(message["status"])
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                json_body = b"json" in content_type
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    # The record is committed before the client sees the end of the answer.
                    await self._record(scope, request, audit, started_at, status, _body(chunks, json_body))
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            _current.reset(token)

    def _closing_on_shutdown(self, send: Send) -> Send:
        async def send_closing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await asyncio.to_thread(self.close)
            await send(message)

        return send_closing

    async def _record(
        self,
        scope: Scope,
        request: FhirRequest,
        audit: RequestAudit,
        started_at: datetime,
        status: int,
        body: dict[str, Any] | None,
    ) -> None:
        try:
            job_runs = await asyncio.to_thread(runs_of_jobs, self.trail, audit.job_ids) if audit.job_ids else []
            run_ids = list(dict.fromkeys([*audit.run_ids, *job_runs]))
            if run_ids:
                await self.writer.commit([ResponseRecord(run_id, status, body) for run_id in run_ids])
                return
            principal = scope.get("state", {}).get("principal")
            if principal is None:
                return  # no authenticated client: nothing was disclosed to anyone we could name
            route = scope.get("route")
            summary = f"{scope.get('method', 'GET')} {getattr(route, 'path', '/fhir/{source}')} (no bot run)"
            info = RunInfo(
                uuid.uuid4().hex,
                self.source_ids.get(request.source, request.source),
                f"{request.resource_type}.{request.interaction}",
                kind=RunKind.FACADE,
                resource_type=request.resource_type,
                resource_id=request.resource_id,
                patient_id=patient_of(request, body),
                client_id=principal.client_id,
                scopes=tuple(principal.scopes.scopes),
                job_id=audit.job_ids[0] if audit.job_ids else None,
                request_summary=summary,
            )
            error = None if status < 400 else ErrorSummary(_failure_kind(status), f"the facade answered HTTP {status}")
            result = RunResult(info.run_id, error is None, datetime.now(UTC), error)
            items: list[TrailItem] = [RunStart(info, started_at), result, ResponseRecord(info.run_id, status, body)]
            await self.writer.commit(items)
        except Exception:
            logger.exception("the audit trail could not record a FHIR interaction")


def _failure_kind(status: int) -> str:
    if status in _FAILURE_KINDS:
        return _FAILURE_KINDS[status]
    return "InputRejected" if status < 500 else "FacadeError"


def _body(chunks: list[bytes], json_body: bool) -> dict[str, Any] | None:
    raw = b"".join(chunks)
    if not json_body or not raw or len(raw) > MAX_RECORDED_BODY_BYTES:
        return None
    try:
        parsed = json.loads(raw)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None

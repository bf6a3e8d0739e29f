"""Finding runs: the filters the console and the FHIR searches share, with paging."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, func, or_, select

from audit.chain import RecordKind
from audit.liveness import interrupted
from audit.schema import ChainRecord, Run
from audit.trail import AuditTrail

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class RunFilter:
    """Every field narrows the list; None means no narrowing. `date_*` bound the run's start, end exclusive."""

    date_from: datetime | None = None
    date_to: datetime | None = None
    source: str | None = None
    patient: str | None = None
    client: str | None = None
    interaction: str | None = None
    outcome: str | None = None
    drift: bool | None = None
    written_target: str | None = None


@dataclass(frozen=True)
class RunPage:
    runs: list[Run]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.runs) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def _where(query: Select[RowT], wanted: RunFilter) -> Select[RowT]:
    if wanted.date_from is not None:
        query = query.where(Run.started_at >= wanted.date_from)
    if wanted.date_to is not None:
        query = query.where(Run.started_at < wanted.date_to)
    if wanted.source:
        query = query.where(Run.source == wanted.source)
    if wanted.patient:
        query = query.where(Run.patient_id == wanted.patient.removeprefix("Patient/"))
    if wanted.client:
        query = query.where(Run.client_id == wanted.client)
    if wanted.interaction:
        # "read" matches every "<Type>.read"; "Patient.read" matches exactly.
        query = query.where(
            or_(Run.interaction == wanted.interaction, Run.interaction.endswith(f".{wanted.interaction}"))
        )
    if wanted.outcome is not None:
        if wanted.outcome == "":
            query = query.where(Run.outcome_code.is_(None))
        else:
            query = query.where(Run.outcome_code == wanted.outcome)
    if wanted.drift is not None:
        query = query.where(Run.drift.is_(wanted.drift))
    if wanted.written_target:
        resource_type, _, resource_id = wanted.written_target.partition("/")
        query = query.where(Run.written_resource_type == resource_type, Run.written_resource_id == resource_id)
    return query


def list_runs(trail: AuditTrail, wanted: RunFilter, offset: int = 0, limit: int = 25) -> RunPage:
    """Runs matching `wanted`, newest first."""
    with trail.session() as session:
        total = session.scalar(_where(select(func.count()).select_from(Run), wanted)) or 0
        query = _where(select(Run), wanted).order_by(Run.started_at.desc(), Run.run_id).offset(offset).limit(limit)
        return RunPage(list(session.scalars(query)), total, offset, limit)


def distinct_values(trail: AuditTrail) -> dict[str, list[str]]:
    """Values seen for the filter drop-downs: sources, clients, interactions."""
    with trail.session() as session:
        return {
            "source": sorted(session.scalars(select(Run.source).distinct())),
            "client": sorted(value for value in session.scalars(select(Run.client_id).distinct()) if value),
            "interaction": sorted(session.scalars(select(Run.interaction).distinct())),
        }


def interrupted_runs(trail: AuditTrail, runs: list[Run]) -> set[str]:
    """Of `runs`, those that never finished and never will: their process is gone (or silent for too long).

    What such a run did up to its last committed step is kept in the chain like any other record."""
    unfinished = [run.run_id for run in runs if run.finished_at is None]
    if not unfinished:
        return set()
    with trail.session() as session:
        last = dict(
            session.execute(
                select(ChainRecord.run_id, func.max(ChainRecord.recorded_at))
                .where(
                    ChainRecord.run_id.in_(unfinished),
                    ChainRecord.kind.in_([RecordKind.RUN_STARTED, RecordKind.STEP]),
                )
                .group_by(ChainRecord.run_id)
            ).all()
        )
        starts = session.execute(
            select(ChainRecord.run_id, ChainRecord.payload).where(
                ChainRecord.run_id.in_(unfinished), ChainRecord.kind == RecordKind.RUN_STARTED
            )
        ).all()
        processes = {run_id: _process(payload) for run_id, payload in starts}
    return {
        run_id
        for run_id in unfinished
        if run_id in last and interrupted(processes.get(run_id), datetime.fromisoformat(last[run_id]))
    }


def _process(payload: str | None) -> str | None:
    if payload is None:
        return None  # purged: retention only reaches runs long over
    process = json.loads(payload).get("process")
    return process if isinstance(process, str) else None

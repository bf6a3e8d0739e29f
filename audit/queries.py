"""What the FHIR facade exposes: AuditEvent and Provenance reads and searches, each recorded as a view."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.provenance import Provenance
from sqlalchemy import select

from audit.chain import RecordKind
from audit.fhir_resources import audit_event_for, fhir_id, provenance_for
from audit.runs import RunFilter, interrupted_runs, list_runs
from audit.schema import ChainRecord, Run
from audit.trail import AuditTrail

ResourceT = TypeVar("ResourceT", AuditEvent, Provenance)
_DATE = re.compile(r"^(eq|ne|gt|lt|ge|le|sa|eb)?(\d{4})(?:-(\d{2})(?:-(\d{2})(T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?)?)?$")


@dataclass(frozen=True)
class FhirPage(Generic[ResourceT]):
    resources: list[ResourceT]
    total: int
    offset: int
    count: int


@dataclass(frozen=True)
class AuditEventQuery:
    """AuditEvent search parameters: `patient` (id or Patient/id), `date` (FHIR prefixes, repeatable),
    `source` (the legacy source, i.e. the FHIR base), `outcome` (0/4/8/12), `agent` (client id), `subtype`."""

    patient: str | None = None
    date: Sequence[str] = ()
    source: str | None = None
    outcome: str | None = None
    agent: str | None = None
    subtype: str | None = None
    count: int = 50
    offset: int = 0


def date_bounds(values: Sequence[str]) -> tuple[datetime | None, datetime | None]:
    """Turn FHIR date parameters (`ge2026-01-01`, `lt2026-02`, `2026-01-05`) into [from, to); ValueError if bad."""
    low: datetime | None = None
    high: datetime | None = None
    for value in values:
        match = _DATE.match(value)
        if match is None:
            raise ValueError(f"not a FHIR date search value: {value!r}")
        prefix = match.group(1) or "eq"
        start, end = _period(value[len(match.group(1) or "") :])
        if prefix in ("eq", "ge", "sa", "gt"):
            candidate = end if prefix in ("gt", "sa") else start
            low = candidate if low is None else max(low, candidate)
        if prefix in ("eq", "le", "eb", "lt"):
            candidate = start if prefix in ("lt", "eb") else end
            high = candidate if high is None else min(high, candidate)
        if prefix == "ne":
            raise ValueError("the 'ne' date prefix is not supported")
    return low, high


def _period(text: str) -> tuple[datetime, datetime]:
    if "T" in text:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment, moment + timedelta(seconds=1)
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 1:
        return datetime(parts[0], 1, 1, tzinfo=UTC), datetime(parts[0] + 1, 1, 1, tzinfo=UTC)
    if len(parts) == 2:
        year, month = parts
        following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        return datetime(year, month, 1, tzinfo=UTC), following
    day = datetime(parts[0], parts[1], parts[2], tzinfo=UTC)
    return day, day + timedelta(days=1)


def _closing_hashes(trail: AuditTrail, run_ids: Sequence[str]) -> dict[str, str]:
    if not run_ids:
        return {}
    with trail.session() as session:
        rows = session.execute(
            select(ChainRecord.run_id, ChainRecord.record_hash).where(
                ChainRecord.run_id.in_(run_ids), ChainRecord.kind == RecordKind.RUN_FINISHED
            )
        ).all()
    return {run_id: digest for run_id, digest in rows if digest}


def _run_by_fhir_id(trail: AuditTrail, resource_id: str) -> Run | None:
    """Run ids are FHIR ids (the engine uses UUIDs); a run whose id is not one is found by search only."""
    run = trail.run(resource_id)
    return run if run is not None and fhir_id(run.run_id) == resource_id else None


def search_audit_events(trail: AuditTrail, query: AuditEventQuery, viewer: str) -> FhirPage[AuditEvent]:
    """`GET AuditEvent?...` for `viewer` (a client id); the runs returned are recorded as viewed."""
    date_from, date_to = date_bounds(query.date)
    wanted = RunFilter(
        date_from=date_from,
        date_to=date_to,
        source=query.source,
        patient=query.patient,
        client=query.agent,
        interaction=query.subtype.replace("search-type", "search") if query.subtype else None,
        outcome=query.outcome,
    )
    page = list_runs(trail, wanted, offset=query.offset, limit=query.count)
    run_ids = [run.run_id for run in page.runs]
    hashes = _closing_hashes(trail, run_ids)
    trail.record_view(viewer, run_ids, "fhir:AuditEvent?search")
    interrupted = interrupted_runs(trail, page.runs)
    events = [audit_event_for(run, hashes.get(run.run_id), run.run_id in interrupted) for run in page.runs]
    return FhirPage(events, page.total, page.offset, query.count)


def read_audit_event(trail: AuditTrail, resource_id: str, viewer: str) -> AuditEvent | None:
    run = _run_by_fhir_id(trail, resource_id)
    if run is None:
        return None
    trail.record_view(viewer, [run.run_id], "fhir:AuditEvent/read")
    closing = _closing_hashes(trail, [run.run_id]).get(run.run_id)
    return audit_event_for(run, closing, bool(interrupted_runs(trail, [run])))


def search_provenance(
    trail: AuditTrail, target: str, viewer: str, count: int = 50, offset: int = 0
) -> FhirPage[Provenance]:
    """`GET Provenance?target=Type/id`: one Provenance per run that wrote that resource."""
    page = list_runs(trail, RunFilter(written_target=target), offset=offset, limit=count)
    run_ids = [run.run_id for run in page.runs]
    hashes = _closing_hashes(trail, run_ids)
    trail.record_view(viewer, run_ids, "fhir:Provenance?target")
    found = [provenance_for(run, hashes.get(run.run_id)) for run in page.runs]
    return FhirPage([item for item in found if item is not None], page.total, offset, count)


def read_provenance(trail: AuditTrail, resource_id: str, viewer: str) -> Provenance | None:
    run = _run_by_fhir_id(trail, resource_id)
    if run is None:
        return None
    provenance = provenance_for(run, _closing_hashes(trail, [run.run_id]).get(run.run_id))
    if provenance is not None:
        trail.record_view(viewer, [run.run_id], "fhir:Provenance/read")
    return provenance

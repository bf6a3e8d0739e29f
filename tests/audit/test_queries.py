"""AuditEvent and Provenance: BALP codes, validation as R4B, searches the facade exposes, views recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.provenance import Provenance
from sqlalchemy import select

from audit import AuditTrail
from audit.queries import (
    AuditEventQuery,
    date_bounds,
    read_audit_event,
    read_provenance,
    search_audit_events,
    search_provenance,
)
from audit.records import RunStart
from audit.schema import ChainRecord
from bots.errors import ErrorSummary
from bots.observer import RunInfo, RunKind, RunResult
from tests.audit.conftest import make_run, record_runs


@pytest.fixture
def runs(trail: AuditTrail) -> AuditTrail:
    read = make_run("run-read", patient_id="p-1")
    search = make_run("run-search", patient_id="p-2", interaction="Patient.search", client_id="other-app")
    write = make_run("run-write", patient_id="p-1", interaction="Observation.create")
    info, steps, _ = make_run("run-missing", patient_id="p-3", source="legacy-desktop")
    missing = RunResult("run-missing", False, datetime.now(UTC), error=ErrorSummary("RecordNotFound", "no record"))
    record_runs(trail, [read, search, write, (info, steps, missing)])
    return trail


def _json(resource: AuditEvent | Provenance) -> dict[str, Any]:
    return dict(resource.model_dump(mode="json", exclude_none=True))


def test_audit_events_carry_balp_codes_per_interaction(runs: AuditTrail) -> None:
    page = search_audit_events(runs, AuditEventQuery(), viewer="auditor-app")
    assert page.total == 4
    events = {event.id: _json(event) for event in page.resources}
    read, search, write = events["run-read"], events["run-search"], events["run-write"]
    assert (read["type"]["code"], read["subtype"][0]["code"], read["action"], read["outcome"]) == (
        "rest",
        "read",
        "R",
        "0",
    )
    assert (search["subtype"][0]["code"], search["action"]) == ("search-type", "E")
    assert (write["subtype"][0]["code"], write["action"]) == ("create", "C")
    assert events["run-missing"]["outcome"] == "4"
    patient_entity = read["entity"][0]
    assert patient_entity["what"]["reference"] == "Patient/p-1"
    assert (patient_entity["type"]["code"], patient_entity["role"]["code"]) == ("1", "1")
    client = read["agent"][0]
    assert client["requestor"] is True
    assert client["who"]["identifier"]["value"] == "integrator-1"
    assert client["type"]["coding"][0]["code"] == "110153"
    assert any(entity.get("role", {}).get("code") == "24" for entity in search["entity"])
    evidence = read["entity"][-1]
    assert evidence["what"]["identifier"]["value"] == "run-read"
    assert len(evidence["detail"][0]["valueString"]) == 64


def test_only_a_run_with_a_bot_names_the_bot_as_an_agent(runs: AuditTrail) -> None:
    store_read = RunInfo("run-store", "legacy-web", "Patient.read", kind=RunKind.FACADE, patient_id="p-1")
    runs.write([RunStart(store_read, datetime.now(UTC)), RunResult("run-store", True, datetime.now(UTC))])
    events = {event.id: _json(event) for event in search_audit_events(runs, AuditEventQuery(), "auditor").resources}
    roles = {run_id: [agent["type"]["coding"][0]["code"] for agent in events[run_id]["agent"]] for run_id in events}
    assert roles["run-read"] == ["110153", "110152", "110150"]
    assert roles["run-store"] == ["110153", "110152"]
    assert "without a bot run" in events["run-store"]["entity"][-1]["description"]


def test_audit_event_search_filters(runs: AuditTrail) -> None:
    def ids(query: AuditEventQuery) -> set[str]:
        return {event.id or "" for event in search_audit_events(runs, query, viewer="auditor-app").resources}

    today = datetime.now(UTC).date()
    assert ids(AuditEventQuery(patient="Patient/p-1")) == {"run-read", "run-write"}
    assert ids(AuditEventQuery(source="legacy-desktop")) == {"run-missing"}
    assert ids(AuditEventQuery(outcome="4")) == {"run-missing"}
    assert ids(AuditEventQuery(agent="other-app")) == {"run-search"}
    assert ids(AuditEventQuery(subtype="create")) == {"run-write"}
    assert len(ids(AuditEventQuery(date=[f"ge{today.isoformat()}"]))) == 4
    assert ids(AuditEventQuery(date=[f"lt{today.isoformat()}"])) == set()
    assert ids(AuditEventQuery(date=[(today + timedelta(days=1)).isoformat()])) == set()
    page = search_audit_events(runs, AuditEventQuery(count=3), viewer="auditor-app")
    assert (len(page.resources), page.total) == (3, 4)


def test_provenance_points_at_the_write_run_and_its_evidence(runs: AuditTrail) -> None:
    page = search_provenance(runs, "Observation/obs-77", viewer="auditor-app")
    assert page.total == 1
    provenance = _json(page.resources[0])
    assert provenance["target"][0]["reference"] == "Observation/obs-77"
    assert provenance["activity"]["coding"][0]["code"] == "CREATE"
    assert provenance["entity"][0]["what"]["reference"] == "AuditEvent/run-write"
    assert provenance["agent"][0]["who"]["identifier"]["value"] == "integrator-1"
    assert search_provenance(runs, "Patient/p-1", viewer="auditor-app").total == 0
    assert read_provenance(runs, "run-write", viewer="auditor-app") is not None
    assert read_provenance(runs, "run-read", viewer="auditor-app") is None


def test_every_query_is_recorded_as_a_view(runs: AuditTrail) -> None:
    search_audit_events(runs, AuditEventQuery(patient="p-2"), viewer="auditor-app")
    event = read_audit_event(runs, "run-read", viewer="second-auditor")
    assert event is not None
    with runs.session() as session:
        views = [
            payload or "" for payload in session.scalars(select(ChainRecord.payload).where(ChainRecord.kind == "view"))
        ]
    assert '"run_ids":["run-search"]' in views[0]
    assert '"viewer":"auditor-app"' in views[0]
    assert '"viewer":"second-auditor"' in views[1]


def test_date_bounds_follow_fhir_prefixes() -> None:
    low, high = date_bounds(["ge2026-01-05", "lt2026-02"])
    assert (low, high) == (datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
    assert date_bounds(["2026-12"]) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert date_bounds(["gt2026-01-05T10:00:00Z"])[0] == datetime(2026, 1, 5, 10, 0, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a FHIR date"):
        date_bounds(["yesterday"])


def test_a_create_whose_id_is_known_only_later_is_linked_through_its_write_job(trail: AuditTrail) -> None:
    from dataclasses import replace

    info, steps, _ = make_run("run-create", interaction="Observation.create")
    ended = RunResult("run-create", True, datetime.now(UTC))
    record_runs(trail, [(replace(info, job_id="job-42"), steps, ended)])
    assert search_provenance(trail, "Observation/obs-9", viewer="auditor-app").total == 0
    assert trail.link_written_resource("job-42", "Observation", "obs-9") == ["run-create"]
    page = search_provenance(trail, "Observation/obs-9", viewer="auditor-app")
    assert [provenance.id for provenance in page.resources] == ["run-create"]
    entities = _json(page.resources[0])["entity"]
    assert any(entity["what"].get("identifier", {}).get("value") == "job-42" for entity in entities)
    assert trail.link_written_resource("job-unknown", "Observation", "obs-9") == []

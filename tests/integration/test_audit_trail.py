"""The audit trail of a running system: every bot run is in a verifying hash chain, tied to the FHIR client and
(for writes) to the queued write and the resource it wrote, with one AuditEvent per run."""

from __future__ import annotations

import httpx

from audit.fhir_resources import fhir_id
from audit.queries import AuditEventQuery, search_audit_events
from audit.runs import RunFilter, list_runs
from audit.trail import AuditTrail
from audit.verify import verify_trail
from tests.integration.system import DEMO_CLIENT, RunningSystem

VIEWER = "integration-test"


def test_runs_are_chained_linked_to_their_request_and_each_has_an_audit_event(
    system: RunningSystem, trail: AuditTrail
) -> None:
    headers = {**system.headers, "Cache-Control": "no-cache", "Content-Type": "application/fhir+json"}
    read = httpx.get(f"{system.fhir()}/Patient/0100141", headers=headers, timeout=120)
    allergy = {
        "resourceType": "AllergyIntolerance",
        "code": {"text": "Sulfa drugs"},
        "patient": {"reference": "Patient/0100141"},
        "recordedDate": "2026-11-06",
    }
    written = httpx.post(f"{system.fhir()}/AllergyIntolerance", json=allergy, headers=headers, timeout=180)
    assert read.status_code == 200, read.text
    assert written.status_code == 201, written.text

    report = verify_trail(trail)
    assert report.ok, report.first_problem
    assert report.records_checked > 0
    reads = list_runs(trail, RunFilter(client=DEMO_CLIENT, interaction="Patient.read", patient="0100141"))
    assert reads.total >= 1
    assert reads.runs[0].succeeded
    assert (reads.runs[0].request_summary or "").startswith("GET /fhir/")
    target = f"AllergyIntolerance/{written.json()['id']}"
    writes = list_runs(trail, RunFilter(written_target=target))
    assert "AllergyIntolerance.create" in {run.interaction for run in writes.runs}
    assert {run.client_id for run in writes.runs} == {DEMO_CLIENT}
    assert len({run.job_id for run in writes.runs}) == 1
    assert writes.runs[0].job_id

    every_run = list_runs(trail, RunFilter(), limit=10_000)
    events = search_audit_events(trail, AuditEventQuery(count=10_000), VIEWER)
    assert events.total == every_run.total
    assert {event.id for event in events.resources} == {fhir_id(run.run_id) for run in every_run.runs}

"""AuditEvent and Provenance on a running `retrofhir serve` whose bots drive the practice web EHR.

A live read's AuditEvent is the bot run itself (with its steps and the facade's response kept beside it); a
created Observation's Provenance points at the run that typed it; the audit resources need their own scopes;
every FHIR body received is validated (R4 + required bindings).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from urllib.parse import urlparse

import httpx

from audit.trail import AuditTrail
from fhir_facade.cli import issue_dev_token
from retrofhir.config import FacadeSettings, Settings
from tests.fhir_facade.server import check_fhir_response
from tests.integration.system import DEMO_CLIENT, RunningSystem
from tests.pulse_observations import pulse_observation

PATIENT = "0100211"


def _client(system: RunningSystem, token: str | None = None) -> httpx.Client:
    headers = {**system.headers, **({"Authorization": f"Bearer {token}"} if token else {})}
    return httpx.Client(
        base_url=system.fhir(), headers=headers, timeout=180, event_hooks={"response": [check_fhir_response]}
    )


def _token(system: RunningSystem, scopes: list[str]) -> str:
    port = urlparse(system.base_url).port or 80
    facade = FacadeSettings(port=port, public_base_url=system.base_url)
    return asyncio.run(issue_dev_token(Settings(data_dir=system.data_dir, facade=facade), scopes))


def test_a_live_read_is_found_by_patient_and_date_with_its_run_and_response(
    system: RunningSystem, trail: AuditTrail
) -> None:
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with _client(system) as http:
        read = http.get(f"/Patient/{PATIENT}", headers={"Cache-Control": "no-cache"})
        assert read.status_code == 200, read.text
        stored = http.get(f"/Patient/{PATIENT}")
        assert stored.status_code == 200
        bundle = http.get("/AuditEvent", params={"patient": PATIENT, "date": f"ge{since}", "subtype": "read"}).json()
    assert bundle["total"] == 2
    runs = [trail.run(entry["resource"]["id"]) for entry in bundle["entry"]]
    assert all(run is not None and run.client_id == DEMO_CLIENT for run in runs)
    bot_runs = [run for run in runs if run is not None and run.step_count > 0]
    assert len(bot_runs) == 1, "the live read was a bot run, the stored answer a run without steps"
    response = trail.response(bot_runs[0].run_id)
    assert response is not None
    assert response[0] == 200
    assert response[1]["id"] == PATIENT
    assert response[1]["resourceType"] == "Patient"


def test_a_created_observation_has_a_provenance_pointing_at_its_bot_run(
    system: RunningSystem, trail: AuditTrail
) -> None:
    observation = pulse_observation(PATIENT, "2026-11-04T09:30:00Z", 64)
    with _client(system) as http:
        created = http.post("/Observation", json=observation, headers={"Content-Type": "application/fhir+json"})
        assert created.status_code == 201, created.text
        target = f"Observation/{created.json()['id']}"
        bundle = http.get("/Provenance", params={"target": target}).json()
        assert bundle["total"] >= 1
        provenance = bundle["entry"][0]["resource"]
        event_reference = provenance["entity"][0]["what"]["reference"]
        event = http.get(f"/{event_reference}")
    assert provenance["target"] == [{"reference": target}]
    assert event.status_code == 200
    assert event.json()["subtype"][0]["code"] == "create"
    run = trail.run(event.json()["id"])
    assert run is not None
    assert run.step_count > 0
    assert run.job_id
    response = trail.response(run.run_id)
    assert response is not None, "the facade's answer to the create is kept with the run that wrote it"
    assert response[0] == 201
    assert response[1]["id"] == created.json()["id"]


def test_audit_resources_are_refused_without_their_scopes(system: RunningSystem) -> None:
    with _client(system, _token(system, ["system/Patient.rs"])) as http:
        events = http.get("/AuditEvent", params={"patient": PATIENT})
        provenance = http.get("/Provenance", params={"target": f"Patient/{PATIENT}"})
    with _client(system, _token(system, ["system/AuditEvent.rs"])) as http:
        allowed = http.get("/AuditEvent", params={"patient": PATIENT})
    assert events.status_code == 403
    assert provenance.status_code == 403
    assert allowed.status_code == 200

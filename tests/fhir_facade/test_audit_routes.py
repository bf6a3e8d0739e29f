"""AuditEvent and Provenance on the facade, and an audit record for every interaction, over real HTTP.

The facade runs in uvicorn over the in-memory provider (no bot: every answer is a run-less record) wrapped in an
AuditedProvider on a real SQLite trail; every FHIR body the client receives is validated (R4 + bindings).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from audit import AuditSettings, AuditTrail, RecordKind, append_new_key
from audit.records import RunStart
from audit.schema import ChainRecord, Run
from audit.verify import verify_trail
from bots.observer import RunInfo, RunResult
from fhir_facade import create_app
from fhir_facade.audit_recorder import FhirAuditMiddleware
from fhir_facade.audit_routes import audit_fhir_router
from fhir_facade.auth import ASSERTION_TYPE, make_client_assertion
from fhir_facade.auth.keys import public_jwk
from fhir_facade.providers import MemoryProvider
from fhir_facade.providers.audit_provider import AuditedProvider
from fhir_facade.settings import AuthSettings, ClientRegistration, FhirSettings
from retrofhir.config import FacadeSettings, Settings
from tests.fhir_facade.server import check_fhir_response, free_port

SOURCE = "memory"
CLIENT = "audited-client"


@dataclass(frozen=True)
class AuditedFacade:
    root_url: str
    trail: AuditTrail
    private_key: Any

    @property
    def fhir_url(self) -> str:
        return f"{self.root_url}/fhir/{SOURCE}"

    def http(self, scope: str) -> httpx.Client:
        token_url = f"{self.root_url}/auth/token"
        assertion = make_client_assertion(CLIENT, token_url, self.private_key, "ES384", None)
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
            "scope": scope,
        }
        token = httpx.post(token_url, data=form).json()["access_token"]
        return httpx.Client(
            base_url=self.fhir_url,
            headers={"Authorization": f"Bearer {token}"},
            event_hooks={"response": [check_fhir_response]},
            timeout=30,
        )


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory, practice_data: list[dict[str, Any]]) -> Iterator[AuditedFacade]:
    data_dir: Path = tmp_path_factory.mktemp("audited-facade")
    audit_settings = AuditSettings()
    append_new_key(audit_settings.resolved_key_file(data_dir), "k1")
    trail = AuditTrail.open(audit_settings, data_dir)
    key = ec.generate_private_key(ec.SECP384R1())
    client = ClientRegistration(client_id=CLIENT, jwks={"keys": [public_jwk(key, "ES384")]}, scopes=["system/*.rs"])
    port = free_port()
    settings = Settings(
        data_dir=data_dir,
        facade=FacadeSettings(port=port, public_base_url=f"http://127.0.0.1:{port}"),
        fhir=FhirSettings(auth=AuthSettings(clients=[client])),
    )
    provider = AuditedProvider(MemoryProvider(practice_data), trail, SOURCE)
    app = create_app(settings, {SOURCE: provider}, extra_routers=(audit_fhir_router(),))
    app.add_middleware(FhirAuditMiddleware, trail=trail)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="audited-facade", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the facade did not start")
            time.sleep(0.01)
        yield AuditedFacade(f"http://127.0.0.1:{port}", trail, key)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        trail.close()


def _patient_id(practice_data: list[dict[str, Any]], index: int) -> str:
    patients = [resource for resource in practice_data if resource["resourceType"] == "Patient"]
    return str(patients[index]["id"])


def _views_of(trail: AuditTrail, run_id: str) -> list[str]:
    """How each recorded view of the run came about, in chain order."""
    with trail.session() as session:
        query = select(ChainRecord.payload).where(ChainRecord.kind == RecordKind.VIEW).order_by(ChainRecord.seq)
        payloads = [json.loads(payload) for payload in session.scalars(query) if payload]
    return [str(payload["via"]) for payload in payloads if run_id in payload["run_ids"]]


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def test_reads_answered_from_the_store_each_leave_an_audit_event(
    audited: AuditedFacade, practice_data: list[dict[str, Any]]
) -> None:
    patient = _patient_id(practice_data, 3)
    with audited.http("system/Patient.rs system/AuditEvent.rs") as http:
        assert http.get(f"/Patient/{patient}").status_code == 200
        assert http.get(f"/Patient/{patient}").status_code == 200  # fresh in the store: no provider call
        bundle = http.get("/AuditEvent", params={"patient": patient, "date": f"ge{_today()}"}).json()
        first = http.post("/AuditEvent/_search", data={"patient": patient, "_count": "1"}).json()
        next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
        second = http.get(next_url).json()
    assert bundle["type"] == "searchset"
    assert bundle["total"] == 2
    paged = [first["entry"][0]["resource"]["id"], second["entry"][0]["resource"]["id"]]
    assert paged == [entry["resource"]["id"] for entry in bundle["entry"]]
    assert not [link for link in second["link"] if link["relation"] == "next"]
    event = bundle["entry"][0]["resource"]
    assert event["subtype"][0]["code"] == "read"
    assert event["outcome"] == "0"
    assert event["agent"][0]["who"]["identifier"]["value"] == CLIENT
    assert [agent["type"]["coding"][0]["code"] for agent in event["agent"]] == ["110153", "110152"]  # no bot
    assert {"reference": f"Patient/{patient}"} in [entity.get("what") for entity in event["entity"]]
    run = audited.trail.run(event["id"])
    assert run is not None
    assert run.step_count == 0
    assert audited.trail.response(event["id"]) is not None
    assert "fhir:AuditEvent?search" in _views_of(audited.trail, event["id"])


def test_audit_event_search_filters_and_reads_one(audited: AuditedFacade, practice_data: list[dict[str, Any]]) -> None:
    patient = _patient_id(practice_data, 4)
    with audited.http("system/Patient.rs system/Observation.rs system/AuditEvent.rs") as http:
        assert http.get(f"/Patient/{patient}").status_code == 200
        assert http.get("/Observation", params={"patient": patient}).status_code == 200
        assert http.get("/Patient/no-such-patient").status_code == 404
        searches = http.get("/AuditEvent", params={"patient": patient, "subtype": "search-type"}).json()
        failures = http.get("/AuditEvent", params={"outcome": "4", "agent": CLIENT}).json()
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
        future = http.get("/AuditEvent", params={"patient": patient, "date": f"ge{tomorrow}"}).json()
        event_id = searches["entry"][0]["resource"]["id"]
        read = http.get(f"/AuditEvent/{event_id}")
        missing = http.get(f"/AuditEvent/{uuid.uuid4().hex}")
    assert searches["total"] == 1
    assert searches["entry"][0]["resource"]["subtype"][0]["code"] == "search-type"
    assert failures["total"] >= 1
    assert all(entry["resource"]["outcome"] == "4" for entry in failures["entry"])
    assert future["total"] == 0
    assert read.status_code == 200
    assert read.json()["id"] == event_id
    assert missing.status_code == 404
    assert _views_of(audited.trail, event_id) == ["fhir:AuditEvent?search", "fhir:AuditEvent/read"]


def test_provenance_of_a_written_resource_points_at_its_run(audited: AuditedFacade) -> None:
    run_id = uuid.uuid4().hex
    now = datetime.now(UTC)
    info = RunInfo(run_id, SOURCE, "Observation.create", client_id=CLIENT, job_id="job-7")
    audited.trail.write([RunStart(info, now), RunResult(run_id, True, now, None, "Observation", "obs-77")])
    with audited.http("system/Provenance.rs") as http:
        bundle = http.get("/Provenance", params={"target": "Observation/obs-77"}).json()
        read = http.get(f"/Provenance/{run_id}")
        nothing = http.get("/Provenance", params={"target": "Observation/never-written"}).json()
        no_target = http.get("/Provenance")
    assert bundle["total"] == 1
    provenance = bundle["entry"][0]["resource"]
    assert provenance["target"] == [{"reference": "Observation/obs-77"}]
    assert {"reference": f"AuditEvent/{run_id}"} in [entity["what"] for entity in provenance["entity"]]
    assert read.status_code == 200
    assert read.json()["id"] == run_id
    assert nothing["total"] == 0
    assert no_target.status_code == 400


def test_audit_resources_need_their_own_scopes(audited: AuditedFacade, practice_data: list[dict[str, Any]]) -> None:
    with audited.http("system/Patient.rs") as http:
        assert http.get("/AuditEvent", params={"patient": _patient_id(practice_data, 5)}).status_code == 403
        assert http.get("/Provenance", params={"target": "Observation/obs-77"}).status_code == 403
        refused = http.get("/Observation", params={"patient": _patient_id(practice_data, 5)})
    assert refused.status_code == 403
    # The refused Observation search is on the trail as a failure of that client about that patient.
    with audited.http("system/AuditEvent.rs") as http:
        bundle = http.get("/AuditEvent", params={"subtype": "search-type", "outcome": "4", "agent": CLIENT}).json()
    assert any(
        entry["resource"]["entity"][0].get("what") == {"reference": f"Patient/{_patient_id(practice_data, 5)}"}
        for entry in bundle["entry"]
    )


def test_capability_statement_lists_audit_event_and_provenance(audited: AuditedFacade) -> None:
    statement = httpx.get(f"{audited.fhir_url}/metadata").json()
    resources = {entry["type"]: entry for entry in statement["rest"][0]["resource"]}
    audit_event = resources["AuditEvent"]
    assert {item["code"] for item in audit_event["interaction"]} == {"read", "search-type"}
    assert {param["name"] for param in audit_event["searchParam"]} == {"patient", "date", "outcome", "subtype", "agent"}
    assert [param["name"] for param in resources["Provenance"]["searchParam"]] == ["target"]
    assert "Patient" in resources


def _records_of_patient_reads(trail: AuditTrail, patient: str) -> list[list[ChainRecord]]:
    """The chain records of every run-less run recorded for reads of this patient, one list per run."""
    with trail.session() as session:
        run_ids = list(session.scalars(select(Run.run_id).where(Run.patient_id == patient, Run.kind == "facade")))
    return [trail.run_records(run_id) for run_id in run_ids]


def test_concurrent_reads_are_each_committed_before_their_answer_and_the_chain_verifies(
    audited: AuditedFacade, practice_data: list[dict[str, Any]]
) -> None:
    patients = [_patient_id(practice_data, index) for index in range(20, 36)]
    known = {patient: len(_records_of_patient_reads(audited.trail, patient)) for patient in patients}

    with audited.http("system/Patient.rs") as http:  # one client, shared by the threads (httpx pools connections)

        def read_then_look(patient: str) -> list[list[ChainRecord]]:
            assert http.get(f"/Patient/{patient}").status_code == 200
            # The answer has ended: its records must already be in the trail (no waiting, no retry).
            return _records_of_patient_reads(audited.trail, patient)

        with ThreadPoolExecutor(max_workers=8) as pool:
            seen = dict(zip(patients, pool.map(read_then_look, patients), strict=True))
    for patient, runs in seen.items():
        assert len(runs) == known[patient] + 1
        newest = max(runs, key=lambda records: records[0].seq)
        kinds = [record.kind for record in newest]
        assert kinds == [RecordKind.RUN_STARTED, RecordKind.RUN_FINISHED, RecordKind.RESPONSE]
        # Run and response in one transaction: one append, so consecutive seqs under one timestamp.
        assert [record.seq for record in newest] == list(range(newest[0].seq, newest[0].seq + 3))
        assert len({record.recorded_at for record in newest}) == 1
        assert json.loads(newest[2].payload or "{}")["status"] == 200
    report = verify_trail(audited.trail)
    assert report.ok, report.first_problem

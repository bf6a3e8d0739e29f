"""Writes through the facade, the durable queue, a worker and the bots: each lands in the legacy database once.

The practice EHR's own database is the witness: row counts before and after every write, and repeated requests
(same identifier, same If-None-Exist) must not add a row.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.integration.system import RunningSystem
from tests.pulse_observations import pulse_observation

FHIR_JSON = "application/fhir+json"
POLL_TIMEOUT_S = 120.0
UCUM = "http://unitsofmeasure.org"


def vitals_rows(ehr: LegacyWebServer, mrn: str) -> int:
    rows = ehr.query(
        "SELECT COUNT(*) AS n FROM vitals JOIN patients ON patients.id = vitals.patient_id WHERE patients.mrn = ?",
        (mrn,),
    )
    return int(rows[0]["n"])


def post(system: RunningSystem, resource: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.post(
        f"{system.fhir()}/{resource['resourceType']}",
        json=resource,
        headers={**system.headers, "Content-Type": FHIR_JSON, **headers},
        timeout=180,
    )


def test_a_vital_sign_lands_once_and_a_repeat_with_its_identifier_does_not_write_again(
    system: RunningSystem, legacy_web: LegacyWebServer
) -> None:
    observation = pulse_observation("0100046", "2026-11-03T08:15:00Z", 71, identifier="monitor-7-0001")
    before = vitals_rows(legacy_web, "0100046")
    first = post(system, observation)
    assert first.status_code == 201, first.text
    assert vitals_rows(legacy_web, "0100046") == before + 1
    again = post(system, observation)
    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"] == "0100046-vs-11032026-0815-pulse"
    assert first.json()["valueQuantity"]["value"] == 71
    assert first.headers["Location"].startswith(f"{system.fhir()}/Observation/0100046-vs-11032026-0815-pulse")
    assert vitals_rows(legacy_web, "0100046") == before + 1
    row = legacy_web.query(
        "SELECT pulse, taken_date, taken_time FROM vitals WHERE taken_date = '2026-11-03' AND pulse IS NOT NULL"
    )
    assert row == [{"pulse": 71, "taken_date": "2026-11-03", "taken_time": "08:15"}]


def test_a_conditional_create_writes_once(system: RunningSystem, legacy_web: LegacyWebServer) -> None:
    observation = pulse_observation("0100046", "2026-11-04T09:30:00Z", 64)
    condition = "patient=0100046&category=vital-signs&code=http://loinc.org|8867-4&date=2026-11-04T09:30:00Z"
    before = vitals_rows(legacy_web, "0100046")
    first = post(system, observation, **{"If-None-Exist": condition})
    assert first.status_code == 201, first.text
    second = post(system, observation, **{"If-None-Exist": condition})
    assert second.status_code == 200, second.text
    assert second.json()["id"] == first.json()["id"]
    assert vitals_rows(legacy_web, "0100046") == before + 1


def test_a_patient_create_that_would_duplicate_is_refused(system: RunningSystem, legacy_web: LegacyWebServer) -> None:
    duplicate = {
        "resourceType": "Patient",
        "name": [{"family": "Smith", "given": ["John"]}],
        "birthDate": "1958-03-14",
        "gender": "male",
    }
    before = legacy_web.query("SELECT COUNT(*) AS n FROM patients")[0]["n"]
    response = post(system, duplicate)
    assert response.status_code == 409, response.text
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["code"] == "duplicate"
    assert legacy_web.query("SELECT COUNT(*) AS n FROM patients")[0]["n"] == before


def test_a_patient_update_changes_telecom_and_address(system: RunningSystem, legacy_web: LegacyWebServer) -> None:
    url = f"{system.fhir()}/Patient/0100211"
    current = httpx.get(url, headers={**system.headers, "Cache-Control": "no-cache"}, timeout=120).json()
    changed = {
        **current,
        "telecom": [{"system": "phone", "use": "home", "value": "(555) 555-0142"}],
        "address": [
            {"use": "home", "line": ["12 Harbor Way"], "city": "Portland", "state": "ME", "postalCode": "04101"}
        ],
    }
    response = httpx.put(url, json=changed, headers={**system.headers, "Content-Type": FHIR_JSON}, timeout=180)
    assert response.status_code == 200, response.text
    assert response.json()["telecom"][0]["value"] == "(555) 555-0142"
    stamped = legacy_web.query("SELECT updated_at FROM patients WHERE id = 5")
    # Another update (so another queued write) whose legacy fields are all in place already ("active" is not kept).
    same_fields = {**response.json(), "active": True}
    again = httpx.put(url, json=same_fields, headers={**system.headers, "Content-Type": FHIR_JSON}, timeout=180)
    assert again.status_code == 200, again.text
    # Check-before-write found the update already applied: the EHR stamps every save, and nothing was saved.
    assert legacy_web.query("SELECT updated_at FROM patients WHERE id = 5") == stamped
    row = legacy_web.query(
        "SELECT phone, address_line, city, state, zip, last_name FROM patients WHERE mrn = '0100211'"
    )
    assert row == [
        {
            "phone": "(555) 555-0142",
            "address_line": "12 Harbor Way",
            "city": "Portland",
            "state": "ME",
            "zip": "04101",
            "last_name": "Doe",
        }
    ]


def test_respond_async_answers_202_and_the_status_endpoint_reports_the_result(
    system: RunningSystem, legacy_web: LegacyWebServer
) -> None:
    before = vitals_rows(legacy_web, "0100097")
    accepted = post(system, pulse_observation("0100097", "2026-11-05T14:00:00Z", 88), Prefer="respond-async")
    assert accepted.status_code == 202, accepted.text
    status_url = accepted.headers["Content-Location"]
    assert status_url.startswith(f"{system.fhir()}/_write-status/")
    deadline = time.monotonic() + POLL_TIMEOUT_S
    status = httpx.get(status_url, headers=system.headers, timeout=30)
    while status.status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.2)
        status = httpx.get(status_url, headers=system.headers, timeout=30)
    assert status.status_code == 200, status.text
    entry = status.json()["entry"][0]
    assert entry["response"]["status"] == "201 Created"
    assert entry["resource"]["id"] == "0100097-vs-11052026-1400-pulse"
    assert vitals_rows(legacy_web, "0100097") == before + 1


def test_the_server_log_holds_no_patient_data(system: RunningSystem) -> None:
    log = system.log_path.read_text(errors="replace")
    assert "write " in log
    for patient_data in ("0100046", "0100097", "0100211", "Smith", "smith", "Harbor", "555-0142"):
        assert patient_data not in log

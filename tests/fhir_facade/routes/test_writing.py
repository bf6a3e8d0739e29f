"""Write-side routes over HTTP: create, conditional create, update with versions, Prefer, async, body errors."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import pytest

from tests.fhir_facade.server import RunningFacade

FHIR_JSON = {"Content-Type": "application/fhir+json"}


def _patient(family: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "name": [{"family": family or f"Test{uuid.uuid4().hex[:10]}"}], **extra}


def _poll(http: httpx.Client, url: str) -> httpx.Response:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = http.get(url)
        if response.status_code != 202:
            return response
        time.sleep(0.05)
    raise AssertionError("the write never finished")


def test_create_answers_201_with_location_etag_and_the_verified_resource(http: httpx.Client) -> None:
    response = http.post("/Patient", json=_patient(gender="female", birthDate="1991-02-03"), headers=FHIR_JSON)
    assert response.status_code == 201
    created = response.json()
    assert created["meta"]["versionId"] == "1"
    assert response.headers["location"].endswith(f"/Patient/{created['id']}/_history/1")
    assert response.headers["etag"] == 'W/"1"'
    assert http.get(f"/Patient/{created['id']}").json()["birthDate"] == "1991-02-03"


@pytest.mark.parametrize(("preference", "body_kind"), [("minimal", None), ("OperationOutcome", "OperationOutcome")])
def test_prefer_return(http: httpx.Client, preference: str, body_kind: str | None) -> None:
    response = http.post("/Patient", json=_patient(), headers={**FHIR_JSON, "Prefer": f"return={preference}"})
    assert response.status_code == 201
    assert "location" in response.headers
    if body_kind is None:
        assert response.content == b""
    else:
        assert response.json()["resourceType"] == body_kind


def test_conditional_create_finds_one_creates_none_and_refuses_many(http: httpx.Client) -> None:
    existing = http.post("/Patient", json=_patient(), headers={**FHIR_JSON, "If-None-Exist": "_id=4"})
    assert existing.status_code == 200
    assert existing.json()["id"] == "4"
    family = f"Cond{uuid.uuid4().hex[:8]}"
    created = http.post("/Patient", json=_patient(family), headers={**FHIR_JSON, "If-None-Exist": f"family={family}"})
    assert created.status_code == 201
    many = http.post("/Patient", json=_patient(), headers={**FHIR_JSON, "If-None-Exist": "family=smith"})
    assert many.status_code == 412
    assert many.json()["issue"][0]["code"] == "duplicate"


def test_the_same_write_twice_is_one_write(http: httpx.Client) -> None:
    identifier = [{"system": "urn:test", "value": uuid.uuid4().hex}]
    first = http.post("/Patient", json=_patient(identifier=identifier), headers=FHIR_JSON)
    second = http.post("/Patient", json=_patient(identifier=identifier), headers=FHIR_JSON)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]


def test_update_checks_versions(http: httpx.Client) -> None:
    created = http.post("/Patient", json=_patient(), headers=FHIR_JSON).json()
    location = f"/Patient/{created['id']}"
    changed = {**created, "gender": "male"}
    updated = http.put(location, json=changed, headers={**FHIR_JSON, "If-Match": 'W/"1"'})
    assert updated.status_code == 200
    assert updated.json()["meta"]["versionId"] == "2"
    assert updated.headers["location"].endswith(f"{location}/_history/2")
    stale = http.put(location, json=changed, headers={**FHIR_JSON, "If-Match": 'W/"1"'})
    assert stale.status_code == 412
    assert stale.json()["issue"][0]["code"] == "conflict"
    wrong_meta = {**changed, "meta": {"versionId": "1"}}
    assert http.put(location, json=wrong_meta, headers=FHIR_JSON).status_code == 409
    assert http.get(f"{location}/_history/1").json()["meta"]["versionId"] == "1"
    assert http.put("/Patient/other-id", json=changed, headers=FHIR_JSON).status_code == 400
    missing = {**changed, "id": "never-existed"}
    assert http.put("/Patient/never-existed", json=missing, headers=FHIR_JSON).status_code == 405
    observation = http.get("/Observation/lab-1").json()
    assert http.put("/Observation/lab-1", json=observation, headers=FHIR_JSON).status_code == 405


def test_respond_async_gives_202_and_a_status_endpoint(http: httpx.Client) -> None:
    response = http.post("/Patient", json=_patient(), headers={**FHIR_JSON, "Prefer": "respond-async"})
    assert response.status_code == 202
    status_url = response.headers["content-location"]
    finished = _poll(http, status_url)
    assert finished.status_code == 200
    bundle = finished.json()
    assert bundle["type"] == "batch-response"
    entry = bundle["entry"][0]
    assert entry["response"]["status"] == "201 Created"
    assert http.get(entry["response"]["location"]).status_code == 200


def test_a_write_that_outlasts_the_wait_becomes_async(facade: RunningFacade, http: httpx.Client) -> None:
    facade.provider.write_gate.clear()
    try:
        response = http.post("/Patient", json=_patient(), headers=FHIR_JSON)
        assert response.status_code == 202
        assert response.headers["x-progress"] in ("queued", "running")
        status_url = response.headers["content-location"]
        assert http.get(status_url).status_code == 202
    finally:
        facade.provider.write_gate.set()
    assert _poll(http, status_url).status_code == 200
    stranger = facade.http(facade.token(client="rs384"))
    with stranger:
        assert stranger.get(status_url).status_code == 404, "a write's status belongs to the client that asked"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "structure"),
        (b"[1, 2]", 400, "structure"),
        (
            json.dumps({"resourceType": "Observation", "status": "final", "code": {"text": "x"}}).encode(),
            400,
            "invalid",
        ),
        (json.dumps({"resourceType": "Patient", "birthDate": "1990-13-45"}).encode(), 400, "value"),
        (json.dumps({"resourceType": "Patient", "shoeSize": 12}).encode(), 400, "structure"),
        (json.dumps({"resourceType": "Patient", "gender": "M"}).encode(), 422, "value"),
        (json.dumps({"name": [{"family": "x"}]}).encode(), 400, "required"),
    ],
)
def test_invalid_bodies_are_refused_before_anything_is_queued(
    facade: RunningFacade, http: httpx.Client, body: bytes, status: int, code: str
) -> None:
    searches_before = len(facade.provider.searches)
    response = http.post("/Patient", content=body, headers=FHIR_JSON)
    assert response.status_code == status
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == code
    assert "1990-13-45" not in response.text, "request values (patient data) are not echoed"
    assert len(facade.provider.searches) == searches_before


def test_content_types_and_sizes(http: httpx.Client) -> None:
    as_text = http.post("/Patient", content=json.dumps(_patient()), headers={"Content-Type": "text/plain"})
    assert as_text.status_code == 415
    assert as_text.json()["issue"][0]["code"] == "not-supported"
    as_json = http.post("/Patient", content=json.dumps(_patient()), headers={"Content-Type": "application/json"})
    assert as_json.status_code == 201
    huge = _patient(
        text={"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{"x" * 300_000}</div>'}
    )
    too_big = http.post("/Patient", json=huge, headers=FHIR_JSON)
    assert too_big.status_code == 413
    assert too_big.json()["issue"][0]["code"] == "too-long"


def test_unsupported_write_interactions_are_405(http: httpx.Client) -> None:
    condition = http.get("/Condition/problem-1").json()
    condition.pop("id")
    response = http.post("/Condition", json=condition, headers=FHIR_JSON)
    assert response.status_code == 405
    assert response.json()["issue"][0]["code"] == "not-supported"


def test_queued_writes_keep_their_caller(facade: RunningFacade, http: httpx.Client) -> None:
    facade.provider.callers.clear()
    assert http.post("/Patient", json=_patient(), headers=FHIR_JSON).status_code == 201
    caller = facade.provider.callers[-1]
    assert caller is not None
    assert caller.client_id == "ec-client"
    assert caller.request_summary == "POST /fhir/{source}/{resource_type}"

"""Read-side routes over HTTP: metadata, read, vread, freshness, and the read errors (404, 405, 406)."""

from __future__ import annotations

import httpx

from bots.errors import RecordNotFound
from tests.fhir_facade.server import RunningFacade

FHIR_JSON = {"Content-Type": "application/fhir+json"}


def test_metadata_is_anonymous_and_states_only_what_the_source_can_do(facade: RunningFacade) -> None:
    with facade.http() as anonymous:
        statement = anonymous.get("/metadata").json()
    assert statement["fhirVersion"] == "4.0.1"
    assert "application/fhir+json" in statement["format"]
    rest = statement["rest"][0]
    oauth = rest["security"]["extension"][0]
    assert oauth["extension"][0] == {"url": "token", "valueUri": facade.token_url}
    by_type = {resource["type"]: resource for resource in rest["resource"]}
    assert set(by_type) == {
        "Patient",
        "Observation",
        "Condition",
        "Encounter",
        "AllergyIntolerance",
        "MedicationStatement",
    }
    medication = by_type["MedicationStatement"]
    assert {item["code"] for item in medication["interaction"]} == {"read", "search-type"}
    assert {item["code"] for item in by_type["Condition"]["interaction"]} == {
        "read",
        "vread",
        "search-type",
        "history-instance",
    }
    patient_params = {param["name"]: param for param in by_type["Patient"]["searchParam"]}
    assert patient_params["birthdate"]["type"] == "date"
    assert "searched by the legacy system" in patient_params["family"]["documentation"]
    assert "filtered by the facade" in patient_params["gender"]["documentation"]
    assert by_type["Observation"]["searchInclude"] == ["Observation:patient", "Observation:subject"]
    assert {"Observation:patient", "Observation:subject", "Encounter:patient"} <= set(
        by_type["Patient"]["searchRevInclude"]
    )
    assert "searchRevInclude" not in by_type["Observation"], "nothing the source searches refers to an Observation"


def test_read_sets_etag_last_modified_and_meta(http: httpx.Client) -> None:
    response = http.get("/Patient/3")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    patient = response.json()
    assert patient["name"][0]["family"] == "Müller-O'Brien"
    assert response.headers["etag"] == f'W/"{patient["meta"]["versionId"]}"'
    assert response.headers["last-modified"].endswith("GMT")


def test_fresh_reads_come_from_the_store_and_no_cache_forces_a_live_read(
    facade: RunningFacade, http: httpx.Client
) -> None:
    first = http.get("/Condition/problem-1")
    assert first.status_code == 200
    facade.provider.fail_next("read", RecordNotFound("gone from the legacy system"))
    cached = http.get("/Condition/problem-1")
    assert cached.status_code == 200, "a fresh stored copy must answer without asking the bot"
    assert cached.json()["meta"]["lastUpdated"] == first.json()["meta"]["lastUpdated"]
    live = http.get("/Condition/problem-1", headers={"Cache-Control": "no-cache"})
    assert live.status_code == 404, "no-cache must reach the bot, which now fails"
    assert live.json()["issue"][0]["code"] == "not-found"
    again = http.get("/Condition/problem-1", headers={"Cache-Control": "no-cache"})
    assert again.status_code == 200
    assert again.json()["meta"]["lastUpdated"] > first.json()["meta"]["lastUpdated"]
    assert again.json()["meta"]["versionId"] == first.json()["meta"]["versionId"], "unchanged content, same version"


def test_vread_returns_a_version_and_404s_for_unknown_ones(http: httpx.Client) -> None:
    current = http.get("/Encounter/visit-1").json()
    version = current["meta"]["versionId"]
    response = http.get(f"/Encounter/visit-1/_history/{version}")
    assert response.status_code == 200
    assert response.json()["id"] == "visit-1"
    missing = http.get("/Encounter/visit-1/_history/999")
    assert missing.status_code == 404
    assert missing.json()["resourceType"] == "OperationOutcome"


def test_unknown_ids_types_and_sources_are_404(facade: RunningFacade, http: httpx.Client) -> None:
    unknown_id = http.get("/Patient/does-not-exist")
    assert unknown_id.status_code == 404
    assert unknown_id.json()["issue"][0]["code"] == "not-found"
    unknown_type = http.get("/Practitioner/1")
    assert unknown_type.status_code == 404
    assert unknown_type.json()["issue"][0]["code"] == "not-supported"
    with httpx.Client(headers=http.headers) as other:
        unknown_source = other.get(f"{facade.root_url}/fhir/nowhere/Patient/1")
    assert unknown_source.status_code == 404
    assert unknown_source.json()["resourceType"] == "OperationOutcome"


def test_an_interaction_the_source_lacks_is_405(http: httpx.Client) -> None:
    response = http.get("/MedicationStatement/med-1/_history/1")
    assert response.status_code == 405
    assert response.json()["issue"][0]["code"] == "not-supported"
    assert "GET" in response.headers["allow"]
    no_delete = http.delete("/Patient/1")
    assert no_delete.status_code == 405
    assert no_delete.json()["resourceType"] == "OperationOutcome"


def test_formats_other_than_fhir_json_are_406(http: httpx.Client) -> None:
    assert http.get("/Patient/1", headers={"Accept": "application/fhir+xml"}).status_code == 406
    assert http.get("/Patient/1", params={"_format": "xml"}).status_code == 406
    assert http.get("/Patient/1", params={"_format": "json"}).status_code == 200
    assert http.get("/Patient/1", headers={"Accept": "application/json"}).status_code == 200
    refused = http.get("/metadata", headers={"Accept": "text/html"})
    assert refused.status_code == 406
    assert refused.json()["issue"][0]["code"] == "not-supported"


def test_openapi_docs_are_served(facade: RunningFacade) -> None:
    schema = httpx.get(f"{facade.root_url}/openapi.json").json()
    read = schema["paths"]["/fhir/{source}/{resource_type}/{logical_id}"]["get"]
    assert [parameter["name"] for parameter in read["parameters"]] == ["source", "resource_type", "logical_id"]
    assert "/fhir/{source}/{resource_type}/_search" in schema["paths"]
    assert httpx.get(f"{facade.root_url}/docs").status_code == 200


def test_the_provider_knows_who_it_works_for(facade: RunningFacade, http: httpx.Client) -> None:
    facade.provider.callers.clear()
    assert http.get("/Patient/5", headers={"Cache-Control": "no-cache"}).status_code == 200
    caller = facade.provider.callers[-1]
    assert caller is not None
    assert caller.client_id == "ec-client"
    assert caller.request_summary == "GET /fhir/{source}/{resource_type}/{logical_id}"
    assert "system/*.cruds" in caller.scopes


def test_history_lists_the_versions_the_bots_saw(http: httpx.Client) -> None:
    created = http.post(
        "/Patient", json={"resourceType": "Patient", "name": [{"family": "Historic"}]}, headers=FHIR_JSON
    ).json()
    http.put(f"/Patient/{created['id']}", json={**created, "gender": "female"}, headers=FHIR_JSON)
    bundle = http.get(f"/Patient/{created['id']}/_history").json()
    assert bundle["type"] == "history"
    assert [entry["resource"]["meta"]["versionId"] for entry in bundle["entry"]] == ["2", "1"]
    assert [entry["request"]["method"] for entry in bundle["entry"]] == ["PUT", "POST"]
    never_read = http.get("/Condition/problem-7/_history").json()
    assert never_read["total"] == 1
    assert http.get("/Patient/no-such-patient/_history").status_code == 404


def test_if_none_match_answers_304_for_the_current_version(http: httpx.Client) -> None:
    first = http.get("/Patient/4")
    unchanged = http.get("/Patient/4", headers={"If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert http.get("/Patient/4", headers={"If-None-Match": 'W/"999"'}).status_code == 200
    version = first.json()["meta"]["versionId"]
    for listed in (f'"{version}"', f'W/"999", W/"{version}"', "*"):
        assert http.get("/Patient/4", headers={"If-None-Match": listed}).status_code == 304, listed

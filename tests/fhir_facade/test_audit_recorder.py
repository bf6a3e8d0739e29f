"""Which FHIR interaction a request is and whose data it touched: the pure logic behind each audit record."""

from __future__ import annotations

from starlette.types import Scope

from fhir_facade.audit_recorder import fhir_request, patient_of


def _scope(method: str, path: str, query: str = "") -> Scope:
    return {"type": "http", "method": method, "path": path, "query_string": query.encode()}


def test_interactions_are_named_from_method_and_path() -> None:
    cases = {
        ("GET", "/fhir/legacy-web/Patient/0100141"): ("Patient", "0100141", "read"),
        ("GET", "/fhir/legacy-web/Patient/0100141/_history/2"): ("Patient", "0100141", "vread"),
        ("GET", "/fhir/legacy-web/Observation"): ("Observation", None, "search"),
        ("POST", "/fhir/legacy-web/Observation/_search"): ("Observation", None, "search"),
        ("POST", "/fhir/legacy-web/Observation"): ("Observation", None, "create"),
        ("PUT", "/fhir/legacy-web/Patient/0100141"): ("Patient", "0100141", "update"),
    }
    for (method, path), expected in cases.items():
        request = fhir_request(_scope(method, path))
        assert request is not None, path
        assert (request.resource_type, request.resource_id, request.interaction) == expected
        assert request.source == "legacy-web"


def test_what_is_not_an_interaction_on_a_resource_type_is_left_alone() -> None:
    for method, path in (
        ("GET", "/fhir/legacy-web/metadata"),
        ("GET", "/fhir/legacy-web/.well-known/smart-configuration"),
        ("GET", "/fhir/legacy-web/_write-status/job-1"),
        ("GET", "/audit/runs"),
        ("DELETE", "/fhir/legacy-web/Patient/0100141"),
    ):
        assert fhir_request(_scope(method, path)) is None, path


def test_the_patient_comes_from_the_path_the_search_or_the_answer() -> None:
    read = fhir_request(_scope("GET", "/fhir/s/Patient/p1"))
    search = fhir_request(_scope("GET", "/fhir/s/Observation", "subject=Patient%2Fp2&code=8867-4"))
    observation_read = fhir_request(_scope("GET", "/fhir/s/Observation/o1"))
    by_code = fhir_request(_scope("GET", "/fhir/s/Observation", "code=8867-4"))
    assert read is not None
    assert search is not None
    assert observation_read is not None
    assert by_code is not None
    assert patient_of(read, None) == "p1"
    assert patient_of(search, None) == "p2"
    assert patient_of(observation_read, {"resourceType": "Observation", "subject": {"reference": "Patient/p3"}}) == "p3"
    one_patient = {
        "resourceType": "Bundle",
        "entry": [
            {
                "resource": {"resourceType": "Observation", "subject": {"reference": "Patient/p4"}},
                "search": {"mode": "match"},
            },
            {"resource": {"resourceType": "Patient", "id": "p4"}, "search": {"mode": "match"}},
        ],
    }
    assert patient_of(by_code, one_patient) == "p4"
    two_patients = {
        "resourceType": "Bundle",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p5"}, "search": {"mode": "match"}},
            {"resource": {"resourceType": "Patient", "id": "p6"}, "search": {"mode": "match"}},
        ],
    }
    assert patient_of(by_code, two_patients) is None

"""Real FHIR clients (fhirpy, fhirclient) through the facade, the bots and the practice web EHR: read, page, create."""

from __future__ import annotations

from typing import Any

from fhirclient import client as smart_client
from fhirclient.models.allergyintolerance import AllergyIntolerance as SmartAllergy
from fhirclient.models.fhirsearch import FHIRSearch
from fhirclient.models.patient import Patient as SmartPatient
from fhirpy import SyncFHIRClient

from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.integration.system import RunningSystem

JOHN_SMITHS = {"0100046", "0100097"}


def _allergy_rows(ehr: LegacyWebServer, mrn: str, allergen: str) -> int:
    rows = ehr.query(
        "SELECT COUNT(*) AS n FROM allergies JOIN patients ON patients.id = allergies.patient_id"
        " WHERE patients.mrn = ? AND allergies.allergen = ?",
        (mrn, allergen),
    )
    return int(rows[0]["n"])


def test_fhirpy_reads_and_pages_through_a_legacy_search(system: RunningSystem) -> None:
    client = SyncFHIRClient(system.fhir(), authorization=f"Bearer {system.token}")
    first_page = client.resources("Patient").search(family="smith", given="john").limit(1).fetch()
    every_page = client.resources("Patient").search(family="smith", given="john").limit(1).fetch_all()
    patient = client.reference("Patient", "0100046").to_resource()
    assert len(first_page) == 1
    assert {resource.id for resource in every_page} == JOHN_SMITHS
    assert patient["name"][0]["family"] == "Smith"
    assert patient["birthDate"] == "1958-03-14"
    assert patient["identifier"][0]["value"] == "0100046"


def test_fhirclient_reads_pages_and_creates_an_allergy(system: RunningSystem, legacy_web: LegacyWebServer) -> None:
    smart = smart_client.FHIRClient(settings={"app_id": "retrofhir-integration", "api_base": system.fhir() + "/"})
    smart.server.session.headers["Authorization"] = f"Bearer {system.token}"
    assert smart.server.capabilityStatement.fhirVersion == "4.0.1"
    pages = list(
        FHIRSearch(SmartPatient, {"family": "smith", "given": "john", "_count": "1"}).perform_iter(smart.server)
    )
    found = {entry.resource.id for page in pages for entry in page.entry or []}
    assert len(pages) == 2
    assert found == JOHN_SMITHS
    allergy: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}
            ]
        },
        "code": {"text": "Latex"},
        "patient": {"reference": "Patient/0100164"},
        "reaction": [{"manifestation": [{"text": "Hives"}], "severity": "moderate"}],
        "recordedDate": "2026-11-02",
    }
    before = _allergy_rows(legacy_web, "0100164", "Latex")
    created = SmartAllergy(allergy).create(smart.server)
    assert created is not None
    assert created["code"]["text"] == "Latex"
    assert created["patient"]["reference"] == "Patient/0100164"
    assert _allergy_rows(legacy_web, "0100164", "Latex") == before + 1
    row = legacy_web.query("SELECT reaction, severity, recorded_date FROM allergies WHERE allergen = 'Latex'")[-1]
    assert row == {"reaction": "Hives", "severity": "Moderate", "recorded_date": "2026-11-02"}

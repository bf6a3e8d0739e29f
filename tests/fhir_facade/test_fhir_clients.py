"""Real FHIR clients against the running facade: fhirpy (async) and fhirclient (SMART on FHIR's Python client)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fhirclient import client as smart_client
from fhirclient.models.fhirsearch import FHIRSearch
from fhirclient.models.patient import Patient as SmartPatient
from fhirpy import AsyncFHIRClient

from tests.fhir_facade.server import RunningFacade


def _smiths(practice_data: list[dict[str, Any]]) -> set[str]:
    return {
        resource["id"]
        for resource in practice_data
        if resource["resourceType"] == "Patient" and resource["name"][0]["family"].lower().startswith("smith")
    }


def test_fhirpy_reads_searches_across_pages_and_creates(
    facade: RunningFacade, admin_token: str, practice_data: list[dict[str, Any]]
) -> None:
    async def scenario() -> tuple[Any, list[Any], int, Any, Any]:
        client = AsyncFHIRClient(facade.fhir_url, authorization=f"Bearer {admin_token}")
        patient = await client.reference("Patient", "1").to_resource()
        every_smith = await client.resources("Patient").search(family="smith").limit(3).fetch_all()
        count = await client.resources("Patient").search(family="smith").count()
        family = f"Fhirpy{uuid.uuid4().hex[:8]}"
        created = client.resource("Patient", name=[{"family": family, "given": ["Ada"]}], gender="female")
        await created.save()
        read_back = await client.reference("Patient", created.id).to_resource()
        return patient, every_smith, count, created, read_back

    patient, every_smith, count, created, read_back = asyncio.run(scenario())
    assert patient["name"][0]["family"] == "Smith"
    assert patient["meta"]["versionId"] == "1"
    expected = _smiths(practice_data)
    assert len(expected) > 3, "paging needs more than one page of Smiths"
    assert sorted(resource.id for resource in every_smith) == sorted(expected)
    assert count == len(expected)
    assert created.id
    assert read_back["name"][0]["family"] == created["name"][0]["family"]


def test_fhirclient_reads_and_pages_through_a_search(
    facade: RunningFacade, admin_token: str, practice_data: list[dict[str, Any]]
) -> None:
    smart = smart_client.FHIRClient(settings={"app_id": "retrofhir-tests", "api_base": facade.fhir_url})
    smart.server.session.headers["Authorization"] = f"Bearer {admin_token}"
    capability = smart.server.capabilityStatement
    assert capability.fhirVersion == "4.0.1"
    patient = SmartPatient.read("2", smart.server)
    assert patient.birthDate.isostring == "1984-11-02"
    search = FHIRSearch(SmartPatient, {"family": "smith", "_count": "4"})
    pages = list(search.perform_iter(smart.server))
    assert len(pages) >= 2
    found = {entry.resource.id for page in pages for entry in page.entry or []}
    assert found == _smiths(practice_data)


def test_fhirclient_creates_a_patient(facade: RunningFacade, admin_token: str) -> None:
    smart = smart_client.FHIRClient(settings={"app_id": "retrofhir-tests", "api_base": facade.fhir_url})
    smart.server.session.headers["Authorization"] = f"Bearer {admin_token}"
    family = f"Smartclient{uuid.uuid4().hex[:8]}"
    patient = SmartPatient({"resourceType": "Patient", "name": [{"family": family}], "gender": "other"})
    response = patient.create(smart.server)
    assert response["name"][0]["family"] == family
    read_back = SmartPatient.read(response["id"], smart.server)
    assert read_back.name[0].family == family

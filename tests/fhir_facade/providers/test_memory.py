"""The in-memory provider's data is valid R4, and its legacy search pages the way a legacy screen would."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_facade.bindings import binding_violations
from fhir_facade.provider import ProviderSearch
from fhir_facade.providers import MemoryProvider
from fhir_facade.search.params import SearchParam


def _shape(resource: dict[str, Any]) -> tuple[object, ...]:
    """What makes two resources differ in structure: type, element names, code, interpretation."""
    code = resource.get("code", {}).get("coding", [{}])[0].get("code")
    return resource["resourceType"], tuple(sorted(resource)), code, "interpretation" in resource


def test_practice_resources_are_valid_r4(practice_data: list[dict[str, Any]]) -> None:
    kinds = Counter(resource["resourceType"] for resource in practice_data)
    assert kinds["Patient"] == 520
    assert set(kinds) == {
        "Patient",
        "Encounter",
        "Condition",
        "AllergyIntolerance",
        "MedicationStatement",
        "Observation",
    }
    # Every patient (names are where the odd characters are), one of each shape, and every 25th of the rest.
    sample = {resource["id"]: resource for resource in practice_data if resource["resourceType"] == "Patient"}
    one_of_each_shape = {_shape(resource): resource for resource in practice_data}.values()
    sample |= {resource["id"]: resource for resource in one_of_each_shape}
    sample |= {resource["id"]: resource for resource in practice_data[::25]}
    for resource in sample.values():
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert not binding_violations(resource), resource["id"]


def test_legacy_search_pages_with_cursors(practice_data: list[dict[str, Any]]) -> None:
    provider = MemoryProvider(practice_data)
    query = ProviderSearch("Observation", (SearchParam("patient", ("Patient/1",)),))

    async def every_page() -> list[str]:
        ids: list[str] = []
        cursor: str | None = None
        while True:
            page = await provider.search(ProviderSearch(query.resource_type, query.params, cursor=cursor))
            assert len(page.records) <= 10
            ids += [record.logical_id for record in page.records]
            if page.next_cursor is None:
                assert page.total == len(ids)
                return ids
            cursor = page.next_cursor

    ids = asyncio.run(every_page())
    expected = [r["id"] for r in practice_data if r.get("subject", {}).get("reference") == "Patient/1"]
    assert sorted(ids) == sorted(item for item in expected if item.startswith(("vitals-", "lab-")))

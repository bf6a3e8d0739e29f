"""Element paths: building nested FHIR JSON, and reading through lists and selectors."""

from __future__ import annotations

import pytest

from bots.fhir_paths import get_all, get_first, set_path

BLOOD_PRESSURE = {
    "component": [
        {"code": {"coding": [{"code": "8462-4"}]}, "valueQuantity": {"value": 79}},
        {"code": {"coding": [{"code": "8480-6"}]}, "valueQuantity": {"value": 131}},
    ]
}


def test_set_path_builds_lists_and_objects() -> None:
    resource: dict[str, object] = {}
    set_path(resource, "name[0].given[1]", "A")
    set_path(resource, "name[0].given[0]", "John")
    set_path(resource, "name[0].family", "Smith")
    assert resource == {"name": [{"given": ["John", "A"], "family": "Smith"}]}


def test_selectors_find_components_whatever_their_order() -> None:
    assert get_first(BLOOD_PRESSURE, "component[code.coding.code=8480-6].valueQuantity.value") == 131
    assert get_first(BLOOD_PRESSURE, "component[code.coding.code=8462-4].valueQuantity.value") == 79
    assert get_all(BLOOD_PRESSURE, "component.valueQuantity.value") == [79, 131]
    assert get_first(BLOOD_PRESSURE, "component[1].code.coding[0].code") == "8480-6"
    assert get_first(BLOOD_PRESSURE, "component[code.coding.code=0000-0].valueQuantity") is None


def test_selectors_cannot_be_written_through() -> None:
    with pytest.raises(ValueError, match="selector"):
        set_path({}, "component[code=x].value", 1)

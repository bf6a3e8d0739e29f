"""Bindings both ways on the real legacy_web map: a record becomes FHIR, and FHIR becomes the same field values."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bots.errors import DriftError, InputRejected
from bots.mapping import binding_matches, record_to_resource, resource_to_fields
from bots.screen_map import ScreenMap

UTC = ZoneInfo("UTC")
VITALS_ROW = {
    "patient_mrn": "0100046",
    "taken_date": "10/29/2023",
    "taken_time": "09:44",
    "bp": "143/81",
    "weight_lb": "",
    "comment": "",
}
PATIENT_ROW = {
    "mrn": "0100046",
    "last_name": "Smith",
    "first_name": "John",
    "middle_name": "",
    "dob": "03/14/1958",
    "sex": "M",
    "phone": "",
    "address_line": "",
    "city": "",
    "state": "",
    "zip": "",
}


def test_blood_pressure_round_trip(legacy_web_map: ScreenMap) -> None:
    binding = legacy_web_map.bindings["blood_pressure"]
    resource = record_to_resource("blood_pressure", binding, VITALS_ROW, UTC)
    assert resource["id"] == "0100046-vs-10292023-0944-bp"
    assert resource["effectiveDateTime"] == "2023-10-29T09:44:00+00:00"
    assert [c["valueQuantity"]["value"] for c in resource["component"]] == [143, 81]
    resource["component"].reverse()
    assert binding_matches(binding, resource)
    assert not binding_matches(legacy_web_map.bindings["weight"], resource)
    fields = resource_to_fields("blood_pressure", binding, resource, UTC)
    assert fields == {"taken_date": "10/29/2023", "taken_time": "09:44", "bp": "143/81"}


def test_empty_optional_fields_leave_elements_out(legacy_web_map: ScreenMap) -> None:
    resource = record_to_resource("patient", legacy_web_map.bindings["patient"], PATIENT_ROW, UTC)
    assert "telecom" not in resource
    assert "address" not in resource
    assert resource["name"] == [{"use": "official", "family": "Smith", "given": ["John"]}]
    assert resource["gender"] == "male"


def test_a_required_field_missing_is_drift(legacy_web_map: ScreenMap) -> None:
    with pytest.raises(DriftError, match="required field 'last_name'"):
        record_to_resource("patient", legacy_web_map.bindings["patient"], {**PATIENT_ROW, "last_name": ""}, UTC)
    with pytest.raises(DriftError, match="value map"):
        record_to_resource("patient", legacy_web_map.bindings["patient"], {**PATIENT_ROW, "sex": "X"}, UTC)


def test_a_value_without_a_legacy_form_is_rejected(legacy_web_map: ScreenMap) -> None:
    patient = {"resourceType": "Patient", "name": [{"family": "Doe", "given": ["Alex"]}], "gender": "other"}
    with pytest.raises(InputRejected, match="rule 10: value has no legacy equivalent in the value map of gender"):
        resource_to_fields("patient", legacy_web_map.bindings["patient"], patient, UTC)


def test_write_defaults_and_selector_paths(legacy_web_map: ScreenMap) -> None:
    condition = {
        "resourceType": "Condition",
        "code": {
            "coding": [
                {"system": "http://snomed.info/sct", "code": "38341003"},
                {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "I10"},
            ],
            "text": "Essential hypertension",
        },
    }
    fields = resource_to_fields("condition", legacy_web_map.bindings["condition"], condition, UTC)
    assert fields == {"icd10": "I10", "description": "Essential hypertension", "status": "Active"}


def _weight(value: object, code: str, system: str = "http://unitsofmeasure.org") -> dict[str, object]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
        "subject": {"reference": "Patient/0100046"},
        "effectiveDateTime": "2023-10-29T09:44:00+00:00",
        "valueQuantity": {"value": value, "unit": "kg", "system": system, "code": code},
    }


def test_a_quantity_in_another_unit_is_written_in_the_legacy_unit(legacy_web_map: ScreenMap) -> None:
    binding = legacy_web_map.bindings["weight"]
    in_kg = _weight(70, "kg")
    assert binding_matches(binding, in_kg)
    fields = resource_to_fields("weight", binding, in_kg, UTC)
    assert fields["weight_lb"] == "154.32"
    assert in_kg["valueQuantity"] == {"value": 70, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}


def test_a_quantity_that_does_not_convert_matches_no_binding(legacy_web_map: ScreenMap) -> None:
    binding = legacy_web_map.bindings["weight"]
    assert not binding_matches(binding, _weight(70, "cm"))
    assert not binding_matches(binding, _weight(70, "kg", system="http://example.org/units"))
    assert not binding_matches(binding, _weight("heavy", "kg"))

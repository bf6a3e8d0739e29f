"""Strict validation of incoming resources: R4B models plus the required bindings fhir.resources skips."""

from __future__ import annotations

import pytest

from fhir_facade.bindings import binding_violations
from fhir_facade.outcomes import FhirError
from fhir_facade.validation import parse_json, validate_resource


def test_required_bindings_are_checked() -> None:
    assert binding_violations({"resourceType": "Patient", "gender": "M"}) == [("gender", "M")]
    assert binding_violations({"resourceType": "Patient", "telecom": [{"system": "pager"}, {"system": "fax-ish"}]}) == [
        ("telecom.system", "fax-ish")
    ]
    with pytest.raises(FhirError) as raised:
        validate_resource({"resourceType": "Observation", "status": "done", "code": {"text": "x"}})
    assert raised.value.status == 422
    assert raised.value.expression == "status"


def test_structure_errors_name_the_element_without_its_value() -> None:
    with pytest.raises(FhirError) as raised:
        validate_resource({"resourceType": "Patient", "birthDate": "12/31/1999"}, "Patient")
    assert raised.value.status == 400
    assert "birthDate" in raised.value.diagnostics
    assert "12/31/1999" not in raised.value.diagnostics
    with pytest.raises(FhirError):
        parse_json(b"\xff\xfe")
    with pytest.raises(FhirError) as wrong_type:
        validate_resource({"resourceType": "Patient"}, "Observation")
    assert wrong_type.value.status == 400

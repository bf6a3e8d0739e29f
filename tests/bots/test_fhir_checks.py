"""FHIR R4 checks: the R4B models plus the required bindings they let through."""

from __future__ import annotations

from bots.fhir_checks import validation_problems

CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"


def test_valid_resources_have_no_problems() -> None:
    assert validation_problems({"resourceType": "Patient", "gender": "female", "birthDate": "1990-01-31"}) == []
    condition = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/1"},
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
    }
    assert validation_problems(condition) == []


def test_required_bindings_the_models_do_not_check() -> None:
    assert validation_problems({"resourceType": "Patient", "gender": "M"}) == [
        "gender: not a code of the required value set"
    ]
    observation = {"resourceType": "Observation", "status": "done", "code": {"text": "Weight"}}
    assert validation_problems(observation) == ["status: not a code of the required value set"]
    condition = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/1"},
        "clinicalStatus": {"coding": [{"system": "http://example.org", "code": "active"}]},
    }
    assert validation_problems(condition) == [f"clinicalStatus.coding.system: must be {CLINICAL}"]


def test_structural_problems_name_the_element_not_the_value() -> None:
    problems = validation_problems({"resourceType": "Patient", "birthDate": "14/03/1958"})
    assert problems
    assert problems[0].startswith("birthDate")
    assert all("14/03/1958" not in problem for problem in problems)
    assert validation_problems({"resourceType": "Nonsense"}) == ["resourceType: unknown type 'Nonsense'"]

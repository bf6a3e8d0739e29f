"""Check that a resource is valid FHIR R4: the R4B models of fhir.resources plus the required value-set bindings
those models do not check (gender, statuses, clinical and verification status codes).

Problems name the element and the rule, never the value (it may be patient data).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from bots.fhir_paths import get_all

TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"
ALLERGY_CLINICAL = TERMINOLOGY + "allergyintolerance-clinical"
ALLERGY_VERIFICATION = TERMINOLOGY + "allergyintolerance-verification"
CONDITION_CLINICAL = TERMINOLOGY + "condition-clinical"
CONDITION_VERIFICATION = TERMINOLOGY + "condition-ver-status"

# (resource type, element path) -> the codes its required binding allows
REQUIRED_CODES: dict[tuple[str, str], frozenset[str]] = {
    ("Patient", "gender"): frozenset({"male", "female", "other", "unknown"}),
    ("Patient", "telecom.system"): frozenset({"phone", "fax", "email", "pager", "url", "sms", "other"}),
    ("Patient", "telecom.use"): frozenset({"home", "work", "temp", "old", "mobile"}),
    ("Patient", "address.use"): frozenset({"home", "work", "temp", "old", "billing"}),
    ("Observation", "status"): frozenset(
        {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"}
    ),
    ("AllergyIntolerance", "type"): frozenset({"allergy", "intolerance"}),
    ("AllergyIntolerance", "category"): frozenset({"food", "medication", "environment", "biologic"}),
    ("AllergyIntolerance", "criticality"): frozenset({"low", "high", "unable-to-assess"}),
    ("AllergyIntolerance", "reaction.severity"): frozenset({"mild", "moderate", "severe"}),
    ("Condition", "clinicalStatus.coding.code"): frozenset(
        {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}
    ),
    ("Condition", "verificationStatus.coding.code"): frozenset(
        {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}
    ),
    ("AllergyIntolerance", "clinicalStatus.coding.code"): frozenset({"active", "inactive", "resolved"}),
    ("AllergyIntolerance", "verificationStatus.coding.code"): frozenset(
        {"unconfirmed", "confirmed", "refuted", "entered-in-error"}
    ),
    ("Encounter", "status"): frozenset(
        {
            "planned",
            "arrived",
            "triaged",
            "in-progress",
            "onleave",
            "finished",
            "cancelled",
            "entered-in-error",
            "unknown",
        }
    ),
    ("MedicationStatement", "status"): frozenset(
        {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"}
    ),
    ("MedicationRequest", "status"): frozenset(
        {"active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown"}
    ),
    ("MedicationRequest", "intent"): frozenset(
        {"proposal", "plan", "order", "original-order", "reflex-order", "filler-order", "instance-order", "option"}
    ),
}
# Codings whose system is fixed by a required binding: (type, CodeableConcept path) -> system
REQUIRED_SYSTEMS: dict[tuple[str, str], str] = {
    ("Condition", "clinicalStatus"): CONDITION_CLINICAL,
    ("Condition", "verificationStatus"): CONDITION_VERIFICATION,
    ("AllergyIntolerance", "clinicalStatus"): ALLERGY_CLINICAL,
    ("AllergyIntolerance", "verificationStatus"): ALLERGY_VERIFICATION,
}


def binding_problems(resource: Mapping[str, Any]) -> list[str]:
    """Required-binding violations fhir.resources lets through."""
    resource_type = resource.get("resourceType")
    problems = []
    for (checked_type, path), allowed in REQUIRED_CODES.items():
        if checked_type != resource_type:
            continue
        for value in get_all(resource, path):
            if value not in allowed:
                problems.append(f"{path}: not a code of the required value set")
    for (checked_type, path), system in REQUIRED_SYSTEMS.items():
        if checked_type == resource_type:
            for coding in get_all(resource, f"{path}.coding"):
                if isinstance(coding, dict) and coding.get("system") != system:
                    problems.append(f"{path}.coding.system: must be {system}")
    return problems


def validation_problems(resource: Mapping[str, Any]) -> list[str]:
    """Everything wrong with a resource as FHIR R4 (empty when valid)."""
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str):
        return ["resourceType: missing"]
    try:
        model = get_fhir_model_class(resource_type)
    except (KeyError, ValueError):
        return [f"resourceType: unknown type {resource_type!r}"]
    try:
        model.model_validate(dict(resource))
    except ValidationError as error:
        return [
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors(include_url=False, include_input=False, include_context=False)
        ] + binding_problems(resource)
    return binding_problems(resource)


def to_json_data(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The resource as plain JSON data, via the R4B model (decimals and dates normalised as FHIR serialises them)."""
    model = get_fhir_model_class(str(resource["resourceType"]))
    data: dict[str, Any] = model.model_validate(dict(resource)).model_dump(mode="json", exclude_none=True)
    return data

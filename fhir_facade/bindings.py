"""Required value-set bindings fhir.resources does not check (it accepts `gender: "M"`), for the types served.

Each entry is a dotted element path (lists flattened) and the codes its required binding allows.
"""

from __future__ import annotations

from typing import Any

from fhir_facade.search.matching import element_values

_ADMINISTRATIVE_GENDER = frozenset({"male", "female", "other", "unknown"})
_CONTACT_POINT_SYSTEM = frozenset({"phone", "fax", "email", "pager", "url", "sms", "other"})
_CONTACT_POINT_USE = frozenset({"home", "work", "temp", "old", "mobile"})
_ADDRESS_USE = frozenset({"home", "work", "temp", "old", "billing"})
_NAME_USE = frozenset({"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"})
_IDENTIFIER_USE = frozenset({"usual", "official", "temp", "secondary", "old"})
_COMMON: tuple[tuple[str, frozenset[str]], ...] = (("identifier.use", _IDENTIFIER_USE),)

REQUIRED_BINDINGS: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "Patient": (
        ("gender", _ADMINISTRATIVE_GENDER),
        ("name.use", _NAME_USE),
        ("telecom.system", _CONTACT_POINT_SYSTEM),
        ("telecom.use", _CONTACT_POINT_USE),
        ("address.use", _ADDRESS_USE),
        ("contact.gender", _ADMINISTRATIVE_GENDER),
        *_COMMON,
    ),
    "Observation": (
        ("status", frozenset({"registered", "preliminary", "final", "amended", "corrected", "cancelled"})),
        *_COMMON,
    ),
    "Condition": (
        (
            "clinicalStatus.coding.code",
            frozenset({"active", "recurrence", "relapse", "inactive", "remission", "resolved"}),
        ),
        ("verificationStatus.coding.code", frozenset({"unconfirmed", "provisional", "differential", "confirmed"})),
        *_COMMON,
    ),
    "Encounter": (
        (
            "status",
            frozenset({"planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "unknown"}),
        ),
        *_COMMON,
    ),
    "AllergyIntolerance": (
        ("clinicalStatus.coding.code", frozenset({"active", "inactive", "resolved"})),
        ("criticality", frozenset({"low", "high", "unable-to-assess"})),
        ("type", frozenset({"allergy", "intolerance"})),
        *_COMMON,
    ),
    "MedicationStatement": (
        ("status", frozenset({"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown"})),
        *_COMMON,
    ),
}


def binding_violations(resource: dict[str, Any]) -> list[tuple[str, str]]:
    """(element path, offending value) for every coded value outside its required binding."""
    violations = []
    for path, allowed in REQUIRED_BINDINGS.get(str(resource.get("resourceType")), ()):
        for value in element_values(resource, path):
            if isinstance(value, str) and value not in allowed:
                violations.append((path, value))
    return violations

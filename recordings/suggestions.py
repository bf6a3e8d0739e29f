"""FHIR binding suggestions for common legacy fields, recognised by their names and labels.

Each suggestion says which resource a field most likely feeds and how (element path, type, legacy date format,
value map, unit and LOINC code for vitals). They are suggestions: the draft marks every one for the author to
confirm, and a field nothing matches is listed for the author to bind by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SEX_CODES = {"M": "male", "F": "female", "U": "unknown", "O": "other", "Male": "male", "Female": "female"}
CLINICAL_STATUS = {"Active": "active", "Resolved": "resolved", "Inactive": "inactive", "Recurrence": "recurrence"}


@dataclass(frozen=True)
class Vital:
    loinc: str
    display: str
    unit: str
    ucum: str


@dataclass(frozen=True)
class Suggestion:
    """How one field most likely maps: `rules` are element rules with `field` filled in by the draft."""

    resource: str
    role: str
    rules: tuple[dict[str, Any], ...]
    vital: Vital | None = None
    identifies: bool = False  # the field identifies the patient (for ids and subjects)


VITALS: dict[str, Vital] = {
    "weight": Vital("29463-7", "Body weight", "lb", "[lb_av]"),
    "height": Vital("8302-2", "Body height", "in", "[in_i]"),
    "temperature": Vital("8310-5", "Body temperature", "degF", "[degF]"),
    "pulse": Vital("8867-4", "Heart rate", "/min", "/min"),
    "oxygen_saturation": Vital("2708-6", "Oxygen saturation in Arterial blood", "%", "%"),
    "respiratory_rate": Vital("9279-1", "Respiratory rate", "/min", "/min"),
}

PATTERNS: list[tuple[str, Suggestion]] = [
    (
        r"\b(mrn|med_?rec|medical_record|chart_?(no|number)|patient_id)\b",
        Suggestion("Patient", "identifier", ({"path": "identifier[0].value"},), identifies=True),
    ),
    (r"\b(last|family|surname)(_name)?\b", Suggestion("Patient", "family", ({"path": "name[0].family"},))),
    (r"\b(first|given)(_name)?\b", Suggestion("Patient", "given", ({"path": "name[0].given[0]"},))),
    (r"\b(dob|birth_?date|date_of_birth|born)\b", Suggestion("Patient", "birth date", ({"path": "birthDate"},))),
    (r"\b(sex|gender)\b", Suggestion("Patient", "sex", ({"path": "gender", "type": "code", "value_map": SEX_CODES},))),
    (r"\b(problem|diagnosis|condition|description)\b", Suggestion("Condition", "problem", ({"path": "code.text"},))),
    (r"\b(icd_?10|icd)(_code)?\b", Suggestion("Condition", "ICD-10 code", ({"path": "code.coding[0].code"},))),
    (r"\bonset(_date)?\b", Suggestion("Condition", "onset", ({"path": "onsetDateTime"},))),
    (r"\b(weight|wt)(_lbs?)?\b", Suggestion("Observation", "weight", (), vital=VITALS["weight"])),
    (r"\b(height|ht)(_in)?\b", Suggestion("Observation", "height", (), vital=VITALS["height"])),
    (r"\b(temp|temperature)(_f)?\b", Suggestion("Observation", "temperature", (), vital=VITALS["temperature"])),
    (r"\b(pulse|heart_rate|hr)\b", Suggestion("Observation", "pulse", (), vital=VITALS["pulse"])),
    (
        r"\b(spo2|o2_sat|oxygen_saturation)(_pct)?\b",
        Suggestion("Observation", "oxygen saturation", (), vital=VITALS["oxygen_saturation"]),
    ),
    (
        r"\b(resp|respiratory_rate|rr)\b",
        Suggestion("Observation", "respiratory rate", (), vital=VITALS["respiratory_rate"]),
    ),
]
CONDITION_STATUS = Suggestion(
    "Condition",
    "clinical status",
    ({"path": "clinicalStatus.coding[0].code", "type": "code", "value_map": CLINICAL_STATUS, "unmapped": "skip"},),
)


def suggest(field_name: str, label: str | None, resources_nearby: set[str]) -> Suggestion | None:
    """The most likely binding of a field, from its name and label; `status` only next to a problem list."""
    words = " ".join(re.sub(r"[^a-z0-9]+", "_", text.lower()) for text in (field_name, label or "") if text)
    if re.search(r"\bstatus\b", words) and "Condition" in resources_nearby:
        return CONDITION_STATUS
    for pattern, suggestion in PATTERNS:
        if re.search(pattern, words):
            return suggestion
    return None


DATE_FORMATS = (
    (r"\d{1,2}/\d{1,2}/\d{4}", "MM/DD/YYYY"),
    (r"\d{4}-\d{2}-\d{2}", None),
    (r"\d{1,2}-\d{1,2}-\d{4}", "MM-DD-YYYY"),
)


def date_rule(value: str | None) -> dict[str, Any]:
    """A date rule's type and legacy format, guessed from a value seen while recording."""
    for pattern, date_format in DATE_FORMATS:
        if value and re.fullmatch(pattern, value.strip()):
            return {"type": "date", "format": date_format} if date_format else {"type": "date"}
    return {"type": "date", "format": "MM/DD/YYYY"}


def vital_rules(field_name: str, vital: Vital) -> list[dict[str, Any]]:
    """An Observation of one vital sign from one field: LOINC code, UCUM unit, the value as a decimal."""
    return [
        {"path": "status", "constant": "final"},
        {
            "path": "category[0].coding[0].system",
            "constant": "http://terminology.hl7.org/CodeSystem/observation-category",
        },
        {"path": "category[0].coding[0].code", "constant": "vital-signs"},
        {"path": "code.coding[0].system", "constant": LOINC},
        {"path": "code.coding[0].code", "constant": vital.loinc},
        {"path": "code.coding[0].display", "constant": vital.display},
        {"path": "valueQuantity.value", "field": field_name, "type": "decimal", "pattern": r"([-0-9.]+)"},
        {"path": "valueQuantity.unit", "constant": vital.unit},
        {"path": "valueQuantity.system", "constant": UCUM},
        {"path": "valueQuantity.code", "constant": vital.ucum},
    ]

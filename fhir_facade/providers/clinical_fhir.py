"""FHIR R4 shapes of the practice EHRs' clinical rows (patients, visits, problems, allergies, meds, vitals, labs).

The in-memory provider uses these to serve realistic data; they mirror what the screen-map bindings produce
(value maps such as `M → male`, units such as `lb → [lb_av]`, LOINC and ICD-10-CM codes).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from fhir_facade.provider import JsonObject, logical_id_for

MRN_SYSTEM = "urn:retrofhir:practice:mrn"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
# The practice keeps local wall-clock times; the practice sits in US Central time (standard).
PRACTICE_UTC_OFFSET = "-06:00"

_GENDER = {"M": "male", "F": "female", "U": "unknown"}
_PROBLEM_STATUS = {"Active": "active", "Resolved": "resolved", "Inactive": "inactive"}
_VISIT_STATUS = {"Completed": "finished", "Cancelled": "cancelled", "No Show": "cancelled"}
_VISIT_CLASS = {"Emergency": "EMER", "Inpatient": "IMP", "Telephone": "VR"}
_MED_STATUS = {"Active": "active", "Discontinued": "stopped"}
_UCUM_UNITS = {"K/uL": "10*3/uL", "mIU/L": "m[IU]/L"}
LAB_LOINC = {
    "Glucose": "2345-7",
    "Hemoglobin A1c": "4548-4",
    "Sodium": "2951-2",
    "Potassium": "2823-3",
    "Creatinine": "2160-0",
    "BUN": "3094-0",
    "Hemoglobin": "718-7",
    "WBC": "6690-2",
    "Platelets": "777-3",
    "LDL Cholesterol": "13457-7",
    "TSH": "3016-3",
    "ALT": "1742-6",
}
# column, LOINC code, display, UCUM unit
VITAL_SIGNS = (
    ("weight_lb", "29463-7", "Body weight", "[lb_av]"),
    ("height_in", "8302-2", "Body height", "[in_i]"),
    ("temp_f", "8310-5", "Body temperature", "[degF]"),
    ("pulse", "8867-4", "Heart rate", "/min"),
    ("spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
)


def _reference(patient_id: Any) -> dict[str, str]:
    return {"reference": f"Patient/{logical_id_for(str(patient_id))}"}


def _concept(system: str, code: str, display: str) -> JsonObject:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _category(system: str, code: str, display: str) -> list[JsonObject]:
    return [_concept(system, code, display)]


def patient(row: Mapping[str, Any]) -> JsonObject:
    given = [row["first_name"], *([row["middle_name"]] if row["middle_name"] else [])]
    resource: JsonObject = {
        "resourceType": "Patient",
        "id": logical_id_for(str(row["id"])),
        "identifier": [{"use": "usual", "system": MRN_SYSTEM, "value": row["mrn"]}],
        "active": True,
        "name": [{"use": "official", "family": row["last_name"], "given": given}],
        "gender": _GENDER[row["sex"]],
        "birthDate": row["dob"],
    }
    if row["phone"]:
        resource["telecom"] = [{"system": "phone", "value": row["phone"], "use": "home"}]
    if row["address_line"]:
        resource["address"] = [
            {
                "use": "home",
                "line": [row["address_line"]],
                "city": row["city"],
                "state": row["state"],
                "postalCode": row["zip"],
                "country": "US",
            }
        ]
    return resource


def encounter(row: Mapping[str, Any]) -> JsonObject:
    class_code = _VISIT_CLASS.get(row["visit_type"], "AMB")
    return {
        "resourceType": "Encounter",
        "id": f"visit-{row['id']}",
        "status": _VISIT_STATUS.get(row["status"], "unknown"),
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": class_code},
        "type": [{"text": row["visit_type"]}],
        "subject": _reference(row["patient_id"]),
        "participant": [{"individual": {"display": row["provider"]}}],
        "period": {"start": row["visit_date"], "end": row["visit_date"]},
        "reasonCode": [{"text": row["reason"]}],
    }


def condition(row: Mapping[str, Any]) -> JsonObject:
    resource: JsonObject = {
        "resourceType": "Condition",
        "id": f"problem-{row['id']}",
        "clinicalStatus": _concept(
            "http://terminology.hl7.org/CodeSystem/condition-clinical", _PROBLEM_STATUS[row["status"]], row["status"]
        ),
        "verificationStatus": _concept(
            "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed"
        ),
        "category": _category(
            "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item"
        ),
        "code": _concept("http://hl7.org/fhir/sid/icd-10-cm", row["icd10"], row["description"]),
        "subject": _reference(row["patient_id"]),
        "recordedDate": row["recorded_date"],
    }
    if row["onset_date"]:
        resource["onsetDateTime"] = row["onset_date"]
    return resource


def allergy(row: Mapping[str, Any]) -> JsonObject:
    resource: JsonObject = {
        "resourceType": "AllergyIntolerance",
        "id": f"allergy-{row['id']}",
        "clinicalStatus": _concept(
            "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"
        ),
        "criticality": "high" if row["severity"] == "Severe" else "low",
        "code": {"text": row["allergen"]},
        "patient": _reference(row["patient_id"]),
        "recordedDate": row["recorded_date"],
    }
    if row["reaction"]:
        reaction: JsonObject = {"manifestation": [{"text": row["reaction"]}]}
        if row["severity"] != "Unknown":
            reaction["severity"] = row["severity"].lower()
        resource["reaction"] = [reaction]
    return resource


def medication(row: Mapping[str, Any]) -> JsonObject:
    return {
        "resourceType": "MedicationStatement",
        "id": f"med-{row['id']}",
        "status": _MED_STATUS.get(row["status"], "unknown"),
        "medicationCodeableConcept": {"text": f"{row['drug_name']} {row['dose']}"},
        "subject": _reference(row["patient_id"]),
        "effectivePeriod": {"start": row["start_date"]},
        "dosage": [{"text": row["sig"]}],
        "informationSource": {"display": row["prescriber"]},
    }


def _vital(row: Mapping[str, Any], suffix: str, code: str, display: str) -> JsonObject:
    return {
        "resourceType": "Observation",
        "id": f"vitals-{row['id']}-{suffix}",
        "status": "final",
        "category": _category(
            "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs"
        ),
        "code": _concept(LOINC, code, display),
        "subject": _reference(row["patient_id"]),
        "effectiveDateTime": f"{row['taken_date']}T{row['taken_time']}:00{PRACTICE_UTC_OFFSET}",
    }


def vital_signs(row: Mapping[str, Any]) -> Iterator[JsonObject]:
    """One Observation per vital sign recorded in a vitals row; blood pressure as a two-component panel."""
    for column, code, display, unit in VITAL_SIGNS:
        if row[column] is not None:
            observation = _vital(row, column.split("_")[0], code, display)
            observation["valueQuantity"] = {"value": row[column], "unit": unit, "system": UCUM, "code": unit}
            yield observation
    if row["bp"]:
        systolic, diastolic = (int(part) for part in row["bp"].split("/"))
        observation = _vital(row, "bp", "85354-9", "Blood pressure panel")
        observation["component"] = [
            {
                "code": _concept(LOINC, code, display),
                "valueQuantity": {"value": value, "unit": "mm[Hg]", "system": UCUM, "code": "mm[Hg]"},
            }
            for code, display, value in (("8480-6", "Systolic", systolic), ("8462-4", "Diastolic", diastolic))
        ]
        yield observation


def lab(row: Mapping[str, Any]) -> JsonObject:
    unit = _UCUM_UNITS.get(row["unit"], row["unit"])
    low, _, high = row["ref_range"].partition("-")
    resource: JsonObject = {
        "resourceType": "Observation",
        "id": f"lab-{row['id']}",
        "status": "final",
        "category": _category("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory"),
        "code": _concept(LOINC, LAB_LOINC[row["test_name"]], row["test_name"]),
        "subject": _reference(row["patient_id"]),
        "effectiveDateTime": row["collected_date"],
        "valueQuantity": {"value": float(row["value"]), "unit": row["unit"], "system": UCUM, "code": unit},
        "referenceRange": [
            {
                "low": {"value": float(low), "unit": row["unit"], "system": UCUM, "code": unit},
                "high": {"value": float(high), "unit": row["unit"], "system": UCUM, "code": unit},
            }
        ],
    }
    if row["flag"]:
        resource["interpretation"] = [
            _concept(
                "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                row["flag"],
                "High" if row["flag"] == "H" else "Low",
            )
        ]
    return resource

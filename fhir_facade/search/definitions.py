"""The R4 search parameters the facade knows: name, type and where each reads its values in a resource.

This is the facade's copy of the spec's SearchParameter registry for the resource types bots produce.
Paths are dotted element names; `x[x]` means a choice element (`effective[x]` reads effectiveDateTime or
effectivePeriod); `telecom(phone)` keeps ContactPoints whose system is phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ParamType(StrEnum):
    STRING = "string"
    TOKEN = "token"  # noqa: S105 - a FHIR search parameter type, not a credential
    DATE = "date"
    REFERENCE = "reference"


@dataclass(frozen=True)
class SearchParamDefinition:
    name: str
    type: ParamType
    paths: tuple[str, ...]
    targets: tuple[str, ...] = ()
    documentation: str = ""


def _string(name: str, *paths: str, doc: str = "") -> SearchParamDefinition:
    return SearchParamDefinition(name, ParamType.STRING, paths, documentation=doc)


def _token(name: str, *paths: str, doc: str = "") -> SearchParamDefinition:
    return SearchParamDefinition(name, ParamType.TOKEN, paths, documentation=doc)


def _date(name: str, *paths: str, doc: str = "") -> SearchParamDefinition:
    return SearchParamDefinition(name, ParamType.DATE, paths, documentation=doc)


def _reference(name: str, path: str, *targets: str, doc: str = "") -> SearchParamDefinition:
    return SearchParamDefinition(name, ParamType.REFERENCE, (path,), targets, documentation=doc)


_COMMON = (
    _token("_id", "id", doc="Logical id of the resource"),
    _date("_lastUpdated", "meta.lastUpdated", doc="When the bot last saw the resource"),
)
_PATIENT_SUBJECT = (
    _reference("patient", "subject", "Patient", doc="The patient the record is about"),
    _reference("subject", "subject", "Patient", doc="The subject of the record"),
)

_BY_TYPE: dict[str, tuple[SearchParamDefinition, ...]] = {
    "Patient": (
        _token("identifier", "identifier", doc="A patient identifier (MRN)"),
        _string("family", "name.family", doc="Family name"),
        _string("given", "name.given", doc="Given name"),
        _string("name", "name", doc="Any part of the name"),
        _date("birthdate", "birthDate", doc="Date of birth"),
        _token("gender", "gender", doc="Administrative gender"),
        _token("phone", "telecom(phone)", doc="Phone number"),
        _string("address", "address", doc="Any part of the address"),
        _string("address-city", "address.city", doc="City"),
        _string("address-state", "address.state", doc="State"),
        _string("address-postalcode", "address.postalCode", doc="Postal code"),
    ),
    "Observation": (
        *_PATIENT_SUBJECT,
        _token("code", "code", doc="The kind of observation (LOINC)"),
        _token("category", "category", doc="vital-signs or laboratory"),
        _token("status", "status", doc="Observation status"),
        _date("date", "effective[x]", doc="When the observation was made"),
    ),
    "Condition": (
        *_PATIENT_SUBJECT,
        _token("code", "code", doc="The condition (ICD-10-CM)"),
        _token("clinical-status", "clinicalStatus", doc="active, resolved, inactive"),
        _token("category", "category", doc="Condition category"),
        _date("onset-date", "onset[x]", doc="Onset date"),
        _date("recorded-date", "recordedDate", doc="When it was recorded"),
    ),
    "Encounter": (
        *_PATIENT_SUBJECT,
        _token("status", "status", doc="Encounter status"),
        _token("type", "type", doc="Visit type"),
        _date("date", "period", doc="When the encounter took place"),
        _token("reason-code", "reasonCode", doc="Reason for the visit"),
    ),
    "AllergyIntolerance": (
        _reference("patient", "patient", "Patient", doc="The patient with the allergy"),
        _token("clinical-status", "clinicalStatus", doc="active, inactive, resolved"),
        _token("criticality", "criticality", doc="low, high, unable-to-assess"),
        _token("code", "code", doc="The allergen"),
        _date("date", "recordedDate", doc="When it was recorded"),
    ),
    "MedicationStatement": (
        *_PATIENT_SUBJECT,
        _token("status", "status", doc="active, stopped, ..."),
        _token("code", "medication[x]", doc="The medication"),
        _date("effective", "effective[x]", doc="When the medication was taken"),
    ),
    "AuditEvent": (
        _reference("patient", "entity.what", "Patient", doc="The patient whose data was accessed"),
        _date("date", "recorded", doc="When the interaction was recorded"),
        _token("outcome", "outcome", doc="0 success, 4 minor, 8 serious, 12 major failure"),
        _token("subtype", "subtype", doc="The FHIR interaction (restful-interaction)"),
        _reference("agent", "agent.who", doc="The client (its client id)"),
    ),
    "Provenance": (_reference("target", "target", doc="The resource a bot wrote (Type/id)"),),
}


def search_param_definition(resource_type: str, name: str) -> SearchParamDefinition | None:
    """The definition of `name` for `resource_type`, or None when the facade does not know it."""
    for definition in (*_COMMON, *_BY_TYPE.get(resource_type, ())):
        if definition.name == name:
            return definition
    return None

"""Matching one search parameter against resource JSON: strings, tokens, references, missing, choice types."""

from __future__ import annotations

from typing import Any

import pytest

from fhir_facade.outcomes import FhirError
from fhir_facade.search.definitions import search_param_definition
from fhir_facade.search.matching import check_modifier, element_values, matches, normalise
from fhir_facade.search.params import SearchParam, parse_query, split_or_values

PATIENT: dict[str, Any] = {
    "resourceType": "Patient",
    "id": "7",
    "identifier": [{"system": "urn:mrn", "value": "0042"}],
    "name": [{"family": "Núñez", "given": ["Inés", "M"]}],
    "gender": "female",
    "telecom": [{"system": "phone", "value": "(217) 555-0100"}, {"system": "email", "value": "x@example.org"}],
}
OBSERVATION: dict[str, Any] = {
    "resourceType": "Observation",
    "id": "o1",
    "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}]},
    "subject": {"reference": "Patient/7"},
    "effectiveDateTime": "2024-03-05T09:15:00-06:00",
}


def _match(resource: dict[str, Any], name: str, *values: str, modifier: str | None = None) -> bool:
    definition = search_param_definition(resource["resourceType"], name)
    assert definition is not None
    param = SearchParam(name, values, modifier)
    check_modifier(definition, param)
    return matches(resource, definition, param)


def test_strings() -> None:
    assert normalise("Núñez") == "nunez"
    assert _match(PATIENT, "family", "nun")
    assert _match(PATIENT, "name", "ines")
    assert not _match(PATIENT, "family", "unez")
    assert _match(PATIENT, "family", "ÚÑE", modifier="contains")
    assert _match(PATIENT, "family", "Núñez", modifier="exact")
    assert not _match(PATIENT, "family", "nunez", modifier="exact")
    assert _match(PATIENT, "family", "smith", "nu"), "comma-separated values are ORed"


def test_tokens() -> None:
    assert _match(PATIENT, "identifier", "urn:mrn|0042")
    assert _match(PATIENT, "identifier", "urn:mrn|")
    assert not _match(PATIENT, "identifier", "|0042")
    assert _match(PATIENT, "gender", "female")
    assert _match(PATIENT, "gender", "male", modifier="not")
    assert _match(PATIENT, "phone", "(217) 555-0100")
    assert not _match(PATIENT, "phone", "x@example.org"), "phone keeps only ContactPoints with system=phone"
    assert _match(OBSERVATION, "code", "http://loinc.org|8867-4")
    assert _match(OBSERVATION, "code", "heart", modifier="text")
    assert _match(PATIENT, "_id", "7")


def test_references_dates_and_missing() -> None:
    assert _match(OBSERVATION, "patient", "7")
    assert _match(OBSERVATION, "subject", "Patient/7")
    assert _match(OBSERVATION, "subject", "http://example.org/fhir/Patient/7")
    assert not _match(OBSERVATION, "patient", "Patient/8")
    assert _match(OBSERVATION, "date", "2024-03-05")
    assert _match(OBSERVATION, "date", "ge2024")
    assert _match(PATIENT, "birthdate", "true", modifier="missing")
    assert not _match(PATIENT, "gender", "true", modifier="missing")


def test_unknown_modifiers_are_400() -> None:
    with pytest.raises(FhirError):
        _match(PATIENT, "family", "x", modifier="below")


def test_choice_elements_and_escaped_values() -> None:
    assert element_values(OBSERVATION, "effective[x]") == ["2024-03-05T09:15:00-06:00"]
    assert split_or_values(r"a\,b,c") == ("a,b", "c")
    query = parse_query(
        [("family", "x"), ("_count", "5"), ("_sort", "-birthdate"), ("_include", "Observation:patient")]
    )
    assert query.count == 5
    assert query.sort[0].descending
    assert str(query.includes[0]) == "Observation:patient"
    with pytest.raises(FhirError):
        parse_query([("_count", "many")])

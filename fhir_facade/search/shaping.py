"""`_elements` and `_summary`: return part of each resource, marked SUBSETTED as R4 requires."""

from __future__ import annotations

from functools import cache
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

SUBSETTED = {"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "SUBSETTED"}
_ALWAYS = ("resourceType", "id", "meta")


@cache
def _elements_flagged(resource_type: str, flag: str) -> frozenset[str]:
    model = get_fhir_model_class(resource_type)
    names = set()
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if extra.get(flag) or (flag == "element_required" and field.is_required()):
            names.add(field.alias or name)
    return frozenset(names)


def summary_elements(resource_type: str) -> frozenset[str]:
    """The elements R4 marks isSummary for a type (from the fhir.resources model)."""
    return _elements_flagged(resource_type, "summary_element_property")


def mandatory_elements(resource_type: str) -> frozenset[str]:
    """The elements with a minimum cardinality of 1: always returned, asked for or not."""
    return _elements_flagged(resource_type, "element_required")


def _mark_subsetted(resource: dict[str, Any]) -> dict[str, Any]:
    meta = dict(resource.get("meta", {}))
    meta["tag"] = [*meta.get("tag", []), SUBSETTED]
    return {**resource, "meta": meta}


def _keep(resource: dict[str, Any], wanted: set[str]) -> dict[str, Any]:
    def kept(key: str) -> bool:
        # A choice element such as effective[x] is asked for by its stem.
        return key in wanted or any(
            key.startswith(name) and key[len(name) : len(name) + 1].isupper() for name in wanted
        )

    wanted = wanted | mandatory_elements(resource["resourceType"])
    return {key: value for key, value in resource.items() if key in _ALWAYS or kept(key)}


def shape(resource: dict[str, Any], summary: str | None, elements: tuple[str, ...] | None) -> dict[str, Any]:
    """The resource as `_summary` / `_elements` ask; unchanged when neither is given."""
    if elements:
        return _mark_subsetted(_keep(resource, set(elements)))
    if summary == "true":
        return _mark_subsetted(_keep(resource, set(summary_elements(resource["resourceType"]))))
    if summary == "text":
        return _mark_subsetted(_keep(resource, {"text"}))
    if summary == "data":
        return _mark_subsetted({key: value for key, value in resource.items() if key != "text"})
    return resource

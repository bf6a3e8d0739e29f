"""Bindings at work: a record read from screens becomes a FHIR resource, and a FHIR resource becomes field values.

A record is the text of named fields (`{"last_name": "Smith", "dob": "03/14/1958"}`). Both directions use the same
rules, so what is written is what a later read will find. A binding whose `match` asks for a UCUM unit
(`valueQuantity.code: "[lb_av]"`) also takes a quantity in another unit of the same dimension (kg), converted
before it is written: the legacy record then holds, and a read gives back, the legacy unit.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from bots.conversions import UCUM, ConversionError, convert_quantity, to_fhir, to_legacy
from bots.errors import DriftError, InputRejected
from bots.fhir_paths import get_all, get_first, set_path
from bots.map_models import Binding, ElementRule
from bots.templates import MissingValue, render

Record = Mapping[str, str]


def record_lookup(record: Record) -> Any:
    """A template lookup over a record's fields (`{mrn}`)."""

    def lookup(name: str) -> str | None:
        value = record.get(name)
        return value if value else None

    return lookup


def resource_lookup(resource: Mapping[str, Any]) -> Any:
    """A template lookup over `resource.<path>` (and plain record-style names, which are absent)."""

    def lookup(name: str) -> Any:
        if not name.startswith("resource."):
            return None
        return get_first(resource, name.removeprefix("resource."))

    return lookup


def binding_id(binding: Binding, record: Record, binding_name: str) -> str:
    try:
        return render(binding.id, record_lookup(record))
    except MissingValue as missing:
        raise DriftError(f"binding {binding_name!r} cannot make an id: field {missing} is empty") from None


def _rule_value(rule: ElementRule, record: Record, zone: ZoneInfo) -> Any:
    if rule.constant is not None:
        return rule.constant
    if rule.template is not None:
        try:
            text = render(rule.template, record_lookup(record))
        except MissingValue:
            return None
        return to_fhir(text, rule, zone)
    return to_fhir(record.get(rule.field or "", ""), rule, zone)


def record_to_resource(binding_name: str, binding: Binding, record: Record, zone: ZoneInfo) -> dict[str, Any]:
    """The FHIR resource (as JSON data) a record stands for; raises DriftError if the record does not fit."""
    resource: dict[str, Any] = {"resourceType": binding.resource, "id": binding_id(binding, record, binding_name)}
    for number, rule in enumerate(binding.rules):
        if not rule.read or (rule.if_present is not None and not record.get(rule.if_present, "").strip()):
            continue
        try:
            value = _rule_value(rule, record, zone)
        except ConversionError as error:
            raise DriftError(f"binding {binding_name!r} rule {number}: {error}") from None
        if value is None:
            if rule.required:
                raise DriftError(f"binding {binding_name!r} rule {number}: required field {rule.field!r} is empty")
            continue
        set_path(resource, rule.path, value)
    return resource


def in_binding_units(binding: Binding, resource: Mapping[str, Any]) -> Mapping[str, Any]:
    """The resource with every UCUM quantity whose unit the binding's `match` fixes converted to that unit.

    Quantities without the UCUM system, without a number, or in a unit that does not convert stay as they are
    (and so do not match). The resource given is never changed.
    """
    converted: dict[str, Any] | None = None
    for path, wanted in binding.match.items():
        if not path.endswith(".code"):
            continue
        quantity_path = path.removesuffix(".code")
        quantity = get_first(resource, quantity_path)
        if not isinstance(quantity, dict) or quantity.get("system") != UCUM or quantity.get("code") in (None, wanted):
            continue
        try:
            value = convert_quantity(Decimal(str(quantity.get("value"))), str(quantity["code"]), wanted)
        except InvalidOperation:
            continue
        if value is None:
            continue
        converted = converted if converted is not None else copy.deepcopy(dict(resource))
        target = get_first(converted, quantity_path)
        target.update(value=value, code=wanted)
        target.pop("unit", None)  # the human-readable unit named the unit converted from
    return resource if converted is None else converted


def binding_matches(binding: Binding, resource: Mapping[str, Any]) -> bool:
    """Whether a resource is the kind this binding writes (e.g. the right LOINC code, a unit that converts)."""
    if resource.get("resourceType") != binding.resource:
        return False
    resource = in_binding_units(binding, resource)
    return all(value in [str(found) for found in get_all(resource, path)] for path, value in binding.match.items())


def resource_to_fields(
    binding_name: str, binding: Binding, resource: Mapping[str, Any], zone: ZoneInfo
) -> dict[str, str]:
    """Legacy field values for a resource, quantities in the binding's units; InputRejected for a value without a
    legacy form."""
    resource = in_binding_units(binding, resource)
    fields: dict[str, str] = {}
    for number, rule in enumerate(binding.rules):
        if not rule.write or rule.field is None or rule.pattern is not None or rule.field in fields:
            continue
        value = get_first(resource, rule.path)
        if value is None:
            continue
        try:
            fields[rule.field] = to_legacy(value, rule, zone)
        except ConversionError as error:
            raise InputRejected(f"binding {binding_name!r} rule {number}: {error}") from None
    for field_name, template in binding.write_fields.items():
        try:
            fields[field_name] = render(template, resource_lookup(resource))
        except MissingValue:
            continue
    for field_name, default in binding.write_defaults.items():
        fields.setdefault(field_name, default)
    return fields

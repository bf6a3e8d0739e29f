"""The pure logic of writes: choose the binding, turn the resource into field values, recognise an existing
record (check-before-write), and compare what was written with what reads back (verify-after-write).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from bots.errors import ConfigurationError, FieldMismatch, InputRejected
from bots.fhir_checks import validation_problems
from bots.map_models import Binding, Flow
from bots.mapping import binding_matches, resource_to_fields
from bots.screen_map import ScreenMap

Record = Mapping[str, str]


@dataclass(frozen=True)
class WritePlan:
    """Everything decided before the UI is touched."""

    flow_key: str
    flow: Flow
    binding_name: str
    binding: Binding
    values: dict[str, str]


def plan_write(screen_map: ScreenMap, resource: Mapping[str, Any], interaction: str) -> WritePlan:
    """Validate the resource as FHIR R4 and map it to legacy field values through the first matching binding."""
    resource_type = str(resource.get("resourceType", ""))
    flow_key = f"{resource_type}.{interaction}"
    flow = screen_map.flows.get(flow_key)
    if flow is None:
        raise ConfigurationError(f"{screen_map.source.id} has no {flow_key} flow", source=screen_map.source.id)
    problems = validation_problems(resource)
    if problems:
        raise InputRejected(f"not a valid FHIR R4 {resource_type}: {'; '.join(problems[:5])}")
    for name in flow.bindings:
        binding = screen_map.bindings[name]
        if binding_matches(binding, resource):
            values = resource_to_fields(name, binding, resource, ZoneInfo(screen_map.source.timezone))
            return WritePlan(flow_key, flow, name, binding, values)
    raise InputRejected(f"no binding of {flow_key} writes this kind of {resource_type} (checked {flow.bindings})")


def normalised(text: str) -> str:
    """Whitespace at the ends and Windows line breaks do not count; numbers compare by value."""
    plain = text.replace("\r\n", "\n").strip()
    try:
        number = Decimal(plain)
    except InvalidOperation:
        return plain
    return format(number.normalize(), "f") if number.is_finite() else plain


def same_value(written: str, read: str, *, ignore_case: bool = False) -> bool:
    left, right = normalised(written), normalised(read)
    return left.casefold() == right.casefold() if ignore_case else left == right


def matching_record(records: Iterable[Record], values: Mapping[str, str], fields: list[str]) -> Record | None:
    """The first record holding every field in `fields` with the same value (case-insensitively)."""
    wanted = [name for name in fields if name in values]
    if not wanted:
        return None
    for record in records:
        if all(name in record and same_value(values[name], record[name], ignore_case=True) for name in wanted):
            return record
    return None


def verified_record(
    records: Sequence[Record], key: list[str], written: Mapping[str, str]
) -> tuple[Record | None, list[FieldMismatch]]:
    """The record with the key that holds every written field, or the differences in the closest candidate."""
    candidates = [r for r in records if all(same_value(written.get(k, ""), r.get(k, "")) for k in key if k in written)]
    if not candidates:
        return None, [FieldMismatch(field="(record)", expected="present", actual="absent")]
    best: list[FieldMismatch] | None = None
    for record in candidates:
        differences = [
            FieldMismatch(field=name, expected=value, actual=record[name])
            for name, value in written.items()
            if name in record and not same_value(value, record[name])
        ]
        if not differences:
            return record, []
        if best is None or len(differences) < len(best):
            best = differences
    return None, best or []

"""Turn what a flow emitted into FHIR resources through the bindings, each checked as valid FHIR R4."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bots.errors import DriftError
from bots.fhir_checks import to_json_data, validation_problems
from bots.flow_context import Emitted
from bots.mapping import record_to_resource
from bots.screen_map import ScreenMap


@dataclass(frozen=True)
class SearchPage:
    """One page of search results; `next_cursor` is opaque and None on the last page."""

    resources: list[dict[str, Any]]
    next_cursor: str | None = None
    drift: list[str] = field(default_factory=list)


def checked_resource(resource: dict[str, Any], what: str) -> dict[str, Any]:
    """The resource normalised by the R4B model; DriftError when it is not valid FHIR R4."""
    problems = validation_problems(resource)
    if problems:
        raise DriftError(f"{what} made an invalid {resource.get('resourceType')}: {'; '.join(problems[:5])}")
    return to_json_data(resource)


def resource_of(screen_map: ScreenMap, binding_name: str, record: Mapping[str, str]) -> dict[str, Any] | None:
    """The resource one binding makes of a record, or None when the binding's `when` field is empty."""
    binding = screen_map.bindings[binding_name]
    if binding.when is not None and not record.get(binding.when, "").strip():
        return None
    resource = record_to_resource(binding_name, binding, record, ZoneInfo(screen_map.source.timezone))
    return checked_resource(resource, f"binding {binding_name!r}")


def resources_of(screen_map: ScreenMap, resource_type: str, emitted: list[Emitted]) -> list[dict[str, Any]]:
    """Every resource of `resource_type` the emitted records make, without repeats (same id)."""
    found: dict[str, dict[str, Any]] = {}
    for item in emitted:
        for binding_name in item.bindings:
            if screen_map.bindings[binding_name].resource != resource_type:
                continue
            resource = resource_of(screen_map, binding_name, item.record)
            if resource is not None:
                found.setdefault(str(resource["id"]), resource)
    return list(found.values())

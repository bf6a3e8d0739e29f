"""The search planner: which parameters the legacy search screen takes, which the facade applies afterwards.

A parameter is pushed down when the source declared it `pushdown`, it has one value (a legacy search field
takes one), and its modifier and prefix are ones the screen can express. A search with no narrowing parameter
pushed down would make a bot page through the whole EHR: it is refused, naming what to add.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.provider import ResourceCapability
from fhir_facade.search.definitions import ParamType, SearchParamDefinition, search_param_definition
from fhir_facade.search.matching import check_modifier
from fhir_facade.search.params import ParsedQuery, SearchParam, SortKey, split_prefix


@dataclass(frozen=True)
class PlannedParam:
    param: SearchParam
    definition: SearchParamDefinition


@dataclass(frozen=True)
class SearchPlan:
    """A checked search: what the provider runs, what the facade filters, what it ignored and why."""

    resource_type: str
    pushed_down: tuple[PlannedParam, ...]
    post_filters: tuple[PlannedParam, ...]
    sort: tuple[SortKey, ...]
    ignored: tuple[str, ...]


def _without_type_modifier(param: SearchParam, definition: SearchParamDefinition) -> SearchParam:
    """`subject:Patient=2` says the same as `subject=Patient/2`, which a legacy screen can take."""
    if definition.type != ParamType.REFERENCE or param.modifier not in definition.targets:
        return param
    values = tuple(value if "/" in value else f"{param.modifier}/{value}" for value in param.values)
    return SearchParam(param.name, values)


def _can_push_down(capability: ResourceCapability, planned: PlannedParam) -> bool:
    support = capability.search_param(planned.param.name)
    if support is None or not support.pushdown or len(planned.param.values) != 1:
        return False
    if planned.param.modifier is not None:
        return False
    if planned.definition.type == ParamType.DATE:
        return split_prefix(planned.param.values[0])[0] == "eq"
    return True


def plan_search(capability: ResourceCapability, query: ParsedQuery, strict: bool) -> SearchPlan:
    """Split `query` for `capability`; raises 400 for unknown parameters when strict, and for unbounded scans."""
    resource_type = capability.resource_type
    pushed: list[PlannedParam] = []
    post: list[PlannedParam] = []
    ignored: list[str] = []
    for param in query.params:
        definition = search_param_definition(resource_type, param.name)
        if definition is None or capability.search_param(param.name) is None:
            ignored.append(f"unknown or unsupported search parameter {param.name!r} for {resource_type}")
            continue
        check_modifier(definition, param)
        planned = PlannedParam(_without_type_modifier(param, definition), definition)
        (pushed if _can_push_down(capability, planned) else post).append(planned)
    sort: list[SortKey] = []
    for key in query.sort:
        if key.name in capability.sortable:
            sort.append(key)
        else:
            ignored.append(f"_sort by {key.name!r} is not supported for {resource_type}")
    if strict and ignored:
        raise FhirError(400, IssueCode.NOT_SUPPORTED, "; ".join(ignored))
    narrowing = [support.name for support in capability.search_params if support.pushdown and support.narrows]
    if not capability.unbounded_search and not any(
        (support := capability.search_param(planned.param.name)) is not None and support.narrows for planned in pushed
    ):
        raise FhirError(
            400,
            IssueCode.TOO_COSTLY,
            f"this {resource_type} search would make the bot read the whole legacy system; add one of these "
            f"parameters (a single value, no modifier, dates without a prefix): {', '.join(narrowing)}",
        )
    return SearchPlan(resource_type, tuple(pushed), tuple(post), tuple(sort), tuple(ignored))

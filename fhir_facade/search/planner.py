"""The search planner: which parameters the legacy search screen takes, which the facade applies afterwards.

A parameter is pushed down when the source declared it `pushdown`, it has one value (a legacy search field
takes one), and its modifier and prefix are ones the screen can express. A search with no narrowing parameter
pushed down would make a bot page through the whole EHR: it is refused, naming what to add. Unless a narrowing
parameter has several values (`_id=1,2`): then the search is the union of one legacy search per value, up to
`MAX_UNION_SEARCHES` of them (the cost limit), in the order the values were given.
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


MAX_UNION_SEARCHES = 10


@dataclass(frozen=True)
class SearchPlan:
    """A checked search: what the provider runs, what the facade filters, what it ignored and why.

    `union`: a narrowing parameter with several values, run as one legacy search per value (its branches) on
    top of `pushed_down`; None for a search the legacy screen runs once.
    """

    resource_type: str
    pushed_down: tuple[PlannedParam, ...]
    post_filters: tuple[PlannedParam, ...]
    sort: tuple[SortKey, ...]
    ignored: tuple[str, ...]
    union: PlannedParam | None = None

    @property
    def branches(self) -> int:
        return len(self.union.param.values) if self.union is not None else 1

    def branch_params(self, branch: int) -> tuple[SearchParam, ...]:
        """What the provider is asked for in one branch: the pushed-down parameters and one value of the union."""
        pushed = tuple(planned.param for planned in self.pushed_down)
        if self.union is None:
            return pushed
        union = self.union.param
        return (*pushed, SearchParam(union.name, (union.values[branch],)))

    def earlier_branch_params(self, branch: int) -> tuple[SearchParam, ...]:
        """One single-value parameter per branch before `branch`: a record matching one was already served."""
        if self.union is None:
            return ()
        union = self.union.param
        return tuple(SearchParam(union.name, (value,)) for value in union.values[:branch])


def _without_type_modifier(param: SearchParam, definition: SearchParamDefinition) -> SearchParam:
    """`subject:Patient=2` says the same as `subject=Patient/2`, which a legacy screen can take."""
    if definition.type != ParamType.REFERENCE or param.modifier not in definition.targets:
        return param
    values = tuple(value if "/" in value else f"{param.modifier}/{value}" for value in param.values)
    return SearchParam(param.name, values)


def _screen_takes_each_value(capability: ResourceCapability, planned: PlannedParam) -> bool:
    """The legacy screen can search for each of the parameter's values on its own."""
    support = capability.search_param(planned.param.name)
    if support is None or not support.pushdown or planned.param.modifier is not None:
        return False
    if planned.definition.type == ParamType.DATE:
        return all(split_prefix(value)[0] == "eq" for value in planned.param.values)
    return True


def _can_push_down(capability: ResourceCapability, planned: PlannedParam) -> bool:
    return len(planned.param.values) == 1 and _screen_takes_each_value(capability, planned)


def _narrows(capability: ResourceCapability, planned: PlannedParam) -> bool:
    support = capability.search_param(planned.param.name)
    return support is not None and support.narrows


def _union_candidate(capability: ResourceCapability, post: list[PlannedParam]) -> PlannedParam | None:
    """The narrowing parameter with several values and the fewest of them, to run as one search per value."""
    candidates = [
        planned for planned in post if _narrows(capability, planned) and _screen_takes_each_value(capability, planned)
    ]
    return min(candidates, key=lambda planned: len(planned.param.values), default=None)


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
    union = None
    if not capability.unbounded_search and not any(_narrows(capability, planned) for planned in pushed):
        union = _union_candidate(capability, post)
    if union is not None:
        if len(union.param.values) > MAX_UNION_SEARCHES:
            raise FhirError(
                400,
                IssueCode.TOO_COSTLY,
                f"{union.param.name} has {len(union.param.values)} values: the facade runs one legacy search per "
                f"value, at most {MAX_UNION_SEARCHES}; split the search",
                expression=union.param.name,
            )
        post.remove(union)
        if sort:
            ignored.append(f"_sort is not applied to a search with several {union.param.name} values")
            sort = []
    if strict and ignored:
        raise FhirError(400, IssueCode.NOT_SUPPORTED, "; ".join(ignored))
    narrowing = [support.name for support in capability.search_params if support.pushdown and support.narrows]
    if not capability.unbounded_search and union is None and not any(_narrows(capability, p) for p in pushed):
        raise FhirError(
            400,
            IssueCode.TOO_COSTLY,
            f"this {resource_type} search would make the bot read the whole legacy system; add one of these "
            f"parameters (no modifier, dates without a prefix, at most {MAX_UNION_SEARCHES} comma-separated "
            f"values): {', '.join(narrowing)}",
        )
    return SearchPlan(resource_type, tuple(pushed), tuple(post), tuple(sort), tuple(ignored), union)

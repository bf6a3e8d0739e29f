"""FHIR search: parameter parsing, definitions, matching, planning (push-down vs post-filter), paging, bundles."""

from fhir_facade.search.definitions import ParamType, SearchParamDefinition, search_param_definition
from fhir_facade.search.params import IncludeSpec, ParsedQuery, SearchParam, SortKey, parse_query
from fhir_facade.search.planner import PlannedParam, SearchPlan, plan_search

__all__ = [
    "IncludeSpec",
    "ParamType",
    "ParsedQuery",
    "PlannedParam",
    "SearchParam",
    "SearchParamDefinition",
    "SearchPlan",
    "SortKey",
    "parse_query",
    "plan_search",
    "search_param_definition",
]

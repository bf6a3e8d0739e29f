"""The planner: push-down vs post-filter, refusing unbounded scans, ignoring or refusing unknown parameters."""

from __future__ import annotations

import pytest

from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.providers import legacy_profile
from fhir_facade.search.params import parse_query
from fhir_facade.search.planner import MAX_UNION_SEARCHES, plan_search

PATIENT = legacy_profile().resources["Patient"]


def _plan(*pairs: tuple[str, str], strict: bool = False) -> tuple[set[str], set[str], tuple[str, ...]]:
    plan = plan_search(PATIENT, parse_query(list(pairs)), strict)
    pushed = {planned.param.name for planned in plan.pushed_down}
    post = {planned.param.name for planned in plan.post_filters}
    return pushed, post, plan.ignored


def test_split_between_legacy_screen_and_facade() -> None:
    assert _plan(("family", "smith"), ("gender", "male")) == ({"family"}, {"gender"}, ())
    assert _plan(("family", "smith"), ("birthdate", "1958-03-14")) == ({"family", "birthdate"}, set(), ())
    assert _plan(("family", "smith"), ("birthdate", "ge1958")) == ({"family"}, {"birthdate"}, ())
    assert _plan(("family", "smith,jones"), ("identifier", "1")) == ({"identifier"}, {"family"}, ())


def test_a_search_nothing_narrows_is_refused_naming_what_to_add() -> None:
    with pytest.raises(FhirError) as refused:
        _plan(("gender", "male"), ("given", "john"))
    assert refused.value.code == IssueCode.TOO_COSTLY
    assert "family" in refused.value.diagnostics
    with pytest.raises(FhirError):
        _plan(("family", ""), ("identifier", ","))


def test_unknown_parameters_and_sorts_are_ignored_or_refused() -> None:
    _, _, ignored = _plan(("family", "smith"), ("favourite-colour", "blue"), ("_sort", "gender"))
    assert len(ignored) == 2
    with pytest.raises(FhirError) as strict:
        _plan(("family", "smith"), ("favourite-colour", "blue"), strict=True)
    assert strict.value.status == 400


def test_several_values_of_a_narrowing_parameter_become_one_legacy_search_each() -> None:
    plan = plan_search(PATIENT, parse_query([("_id", "1,2,3"), ("gender", "male")]), strict=False)
    assert plan.union is not None
    assert plan.branches == 3
    assert [param.values for param in plan.branch_params(1)] == [("2",)]
    assert [param.values for param in plan.earlier_branch_params(2)] == [("1",), ("2",)]
    assert {planned.param.name for planned in plan.post_filters} == {"gender"}
    fewest = plan_search(PATIENT, parse_query([("_id", "1,2,3"), ("family", "a,b")]), strict=False)
    assert fewest.union is not None
    assert fewest.union.param.name == "family"
    assert {planned.param.name for planned in fewest.post_filters} == {"_id"}
    sorted_union = plan_search(PATIENT, parse_query([("_id", "1,2"), ("_sort", "family")]), strict=False)
    assert sorted_union.sort == ()
    assert any("_sort" in reason for reason in sorted_union.ignored)
    assert plan_search(PATIENT, parse_query([("_id", "1,2"), ("family", "smith")]), strict=False).union is None


def test_a_union_beyond_the_cost_limit_is_refused() -> None:
    values = ",".join(str(number) for number in range(MAX_UNION_SEARCHES + 1))
    with pytest.raises(FhirError) as refused:
        _plan(("_id", values))
    assert refused.value.code == IssueCode.TOO_COSTLY
    assert "_id" in refused.value.diagnostics
    with pytest.raises(FhirError):
        _plan(("birthdate", "ge1950,1960-01-01"))

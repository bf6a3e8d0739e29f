"""Run a planned search: legacy pages from the provider, post-filters applied, FHIR pages cut from the result.

Legacy paging drives FHIR paging: a FHIR page is filled from as many legacy pages as it takes, and its end
is remembered as a position (legacy cursor + records already served) that the next page's cursor carries.
A union plan runs its legacy searches one after the other; a record an earlier branch matched is not served again.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.provider import ProviderSearch
from fhir_facade.search.cursor import PagePosition
from fhir_facade.search.matching import matches
from fhir_facade.search.planner import SearchPlan
from fhir_facade.service import SourceService
from fhir_facade.store import StoredResource


@dataclass(frozen=True)
class SearchPage:
    """Matches for one FHIR page; `next_position` is None on the last page; `total` only when known."""

    matches: list[StoredResource]
    next_position: PagePosition | None
    total: int | None


def _passes(plan: SearchPlan, branch: int, resource: dict[str, object]) -> bool:
    if not all(matches(resource, planned.definition, planned.param) for planned in plan.post_filters):
        return False
    if plan.union is None:
        return True
    definition = plan.union.definition
    return not any(matches(resource, definition, earlier) for earlier in plan.earlier_branch_params(branch))


def _provider_query(plan: SearchPlan, branch: int, cursor: str | None, count: int) -> ProviderSearch:
    return ProviderSearch(plan.resource_type, plan.branch_params(branch), plan.sort, cursor, count)


def _next_branch(plan: SearchPlan, branch: int) -> PagePosition | None:
    return PagePosition(branch=branch + 1) if branch + 1 < plan.branches else None


async def fetch_page(service: SourceService, plan: SearchPlan, position: PagePosition, count: int) -> SearchPage:
    """The FHIR page of up to `count` matches starting at `position`."""
    found: list[StoredResource] = []
    branch, cursor, skip = position.branch, position.legacy_cursor, position.skip
    first_page = position == PagePosition()
    # The legacy screen's own total counts the page's matches only for one search with nothing filtered after.
    exact_provider_total = plan.union is None and not plan.post_filters
    provider_total: int | None = None
    while True:
        page = await service.provider.search(_provider_query(plan, branch, cursor, count))
        provider_total = page.total if provider_total is None else provider_total
        stored = await service.save(page.records[skip:])
        for index, record in enumerate(stored, start=skip):
            if not _passes(plan, branch, record.resource()):
                continue
            found.append(record)
            if len(found) == count:
                if index + 1 < len(page.records):
                    following: PagePosition | None = PagePosition(cursor, index + 1, branch)
                elif page.next_cursor:
                    following = PagePosition(page.next_cursor, 0, branch)
                else:
                    following = _next_branch(plan, branch)
                return SearchPage(found, following, provider_total if exact_provider_total else None)
        if page.next_cursor is not None:
            cursor, skip = page.next_cursor, 0
            continue
        following = _next_branch(plan, branch)
        if following is None:
            total = provider_total if exact_provider_total else (len(found) if first_page else None)
            return SearchPage(found, None, total)
        branch, cursor, skip = following.branch, None, 0


async def collect_all(service: SourceService, plan: SearchPlan, limit: int) -> list[StoredResource]:
    """Every match, for `_summary=count` and `_revinclude`; refused as too costly beyond `limit` records."""
    collected: list[StoredResource] = []
    position: PagePosition | None = PagePosition()
    while position is not None:
        page = await fetch_page(service, plan, position, limit + 1 - len(collected))
        collected.extend(page.matches)
        if len(collected) > limit:
            raise FhirError(
                400, IssueCode.TOO_COSTLY, f"more than {limit} {plan.resource_type} resources match; narrow the search"
            )
        position = page.next_position
    return collected

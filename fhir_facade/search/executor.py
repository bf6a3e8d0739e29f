"""Run a planned search: legacy pages from the provider, post-filters applied, FHIR pages cut from the result.

Legacy paging drives FHIR paging: a FHIR page is filled from as many legacy pages as it takes, and its end
is remembered as a position (legacy cursor + records already served) that the next page's cursor carries.
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


def _passes(plan: SearchPlan, resource: dict[str, object]) -> bool:
    return all(matches(resource, planned.definition, planned.param) for planned in plan.post_filters)


def _provider_query(plan: SearchPlan, cursor: str | None, count: int) -> ProviderSearch:
    return ProviderSearch(
        plan.resource_type,
        tuple(planned.param for planned in plan.pushed_down),
        plan.sort,
        cursor,
        count,
    )


async def fetch_page(service: SourceService, plan: SearchPlan, position: PagePosition, count: int) -> SearchPage:
    """The FHIR page of up to `count` matches starting at `position`."""
    found: list[StoredResource] = []
    cursor, skip = position.legacy_cursor, position.skip
    first_page = position == PagePosition()
    provider_total: int | None = None
    while True:
        page = await service.provider.search(_provider_query(plan, cursor, count))
        provider_total = page.total if provider_total is None else provider_total
        stored = await service.save(page.records[skip:])
        for index, record in enumerate(stored, start=skip):
            if not _passes(plan, record.resource()):
                continue
            found.append(record)
            if len(found) == count:
                following = (
                    PagePosition(cursor, index + 1)
                    if index + 1 < len(page.records)
                    else (PagePosition(page.next_cursor) if page.next_cursor else None)
                )
                return SearchPage(found, following, provider_total if not plan.post_filters else None)
        if page.next_cursor is None:
            total = provider_total if not plan.post_filters else (len(found) if first_page else None)
            return SearchPage(found, None, total)
        cursor, skip = page.next_cursor, 0


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

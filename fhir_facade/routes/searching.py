"""The search route (GET and POST `_search`): plan, fetch one page, include, and answer a searchset Bundle."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request

from fhir_facade.auth.dependencies import authorize_interaction
from fhir_facade.auth.tokens import Principal
from fhir_facade.formats import FhirResponse, check_accept, fhir_response
from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.provider import Interaction
from fhir_facade.routes.context import facade_context
from fhir_facade.routes.headers import preferences
from fhir_facade.search.bundle import BundleLinks, searchset_bundle
from fhir_facade.search.cursor import PageCursor, PagePosition, decode_cursor, encode_cursor
from fhir_facade.search.executor import collect_all, fetch_page
from fhir_facade.search.includes import resolve_inclusions
from fhir_facade.search.params import parse_query
from fhir_facade.search.planner import plan_search

router = APIRouter(tags=["FHIR"])
_NOT_REPLAYED = frozenset({"_format", "_pretty", "_page"})


async def _search(source: str, resource_type: str, request: Request, pairs: list[tuple[str, str]]) -> FhirResponse:
    check_accept(request)
    context = facade_context(request)
    service = context.service(source)
    capability = service.capability(resource_type, Interaction.SEARCH)
    principal: Principal = request.state.principal
    settings = context.settings
    parsed = parse_query(pairs)
    if parsed.page is not None:
        cursor = decode_cursor(parsed.page)
        parsed = parse_query(list(cursor.query))
    else:
        cursor = PageCursor(tuple(pair for pair in pairs if pair[0] not in _NOT_REPLAYED), PagePosition())
    plan = plan_search(capability, parsed, preferences(request).strict)
    warnings = list(plan.ignored)
    count = parsed.count if parsed.count is not None else settings.default_page_size
    if count > settings.max_page_size:
        warnings.append(f"_count {count} was lowered to the maximum of {settings.max_page_size}")
        count = settings.max_page_size
    type_url = f"{context.base_url(source)}/{resource_type}"
    first_url = f"{type_url}?{urlencode(cursor.query)}" if cursor.query else type_url
    self_url = first_url if parsed.page is None and cursor.position == PagePosition() else None
    if parsed.summary == "count" or count == 0:
        everything = await collect_all(service, plan, settings.count_scan_limit)
        links = BundleLinks(self_url or f"{type_url}?_page={encode_cursor(cursor)}")
        return fhir_response(
            searchset_bundle(context.base_url(source), links, [], total=len(everything), warnings=warnings)
        )
    page = await fetch_page(service, plan, cursor.position, count)
    inclusion = await resolve_inclusions(
        service, principal.scopes, page.matches, parsed.includes, parsed.revincludes, settings.count_scan_limit
    )
    previous = cursor.previous
    links = BundleLinks(
        self_url or f"{type_url}?_page={encode_cursor(cursor)}",
        f"{type_url}?_page={encode_cursor(cursor.following(page.next_position))}" if page.next_position else None,
        (first_url if previous.position == PagePosition() else f"{type_url}?_page={encode_cursor(previous)}")
        if previous is not None
        else None,
    )
    bundle = searchset_bundle(
        context.base_url(source),
        links,
        page.matches,
        included=inclusion.resources,
        total=page.total,
        warnings=[*warnings, *inclusion.warnings],
        summary=parsed.summary,
        elements=parsed.elements,
    )
    return fhir_response(bundle)


@router.get(
    "/fhir/{source}/{resource_type}",
    summary="search (GET)",
)
async def search_get(source: str, resource_type: str, request: Request) -> FhirResponse:
    authorize_interaction(request, Interaction.SEARCH)
    return await _search(source, resource_type, request, list(request.query_params.multi_items()))


@router.post(
    "/fhir/{source}/{resource_type}/_search",
    summary="search (POST, form-encoded parameters)",
)
async def search_post(source: str, resource_type: str, request: Request) -> FhirResponse:
    authorize_interaction(request, Interaction.SEARCH)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("application/x-www-form-urlencoded", ""):
        raise FhirError(415, IssueCode.NOT_SUPPORTED, "POST _search takes application/x-www-form-urlencoded parameters")
    body = (await request.body()).decode("utf-8", errors="replace")
    pairs = list(request.query_params.multi_items()) + parse_qsl(body, keep_blank_values=True)
    return await _search(source, resource_type, request, pairs)

"""FHIR routes for AuditEvent and Provenance: straight from the audit trail, never from the local store.

Mounted ahead of the generic routes (`create_app(..., extra_routers=(audit_fhir_router(),))`) for sources whose
provider is an `AuditedProvider`. They answer like the generic routes (searchset Bundles, `_count`, `next` links,
OperationOutcomes, the same scopes: `system/AuditEvent.rs`, `system/Provenance.rs`) but the trail itself pages
and filters, date prefixes included, so no run the client does not get back is recorded as viewed by it, and
every read reaches the trail (a copy in the store would be served without its view being recorded).
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Request

from fhir_facade.audit_recorder import AUDIT_RESOURCE_TYPES
from fhir_facade.auth.dependencies import require_scope
from fhir_facade.auth.scopes import INTERACTION_PERMISSION
from fhir_facade.formats import FhirResponse, check_accept, fhir_response
from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.provider import Interaction, JsonObject
from fhir_facade.providers.audit_provider import AUDIT_EVENT_PARAMS, AuditedProvider, AuditPage
from fhir_facade.routes.context import facade_context
from fhir_facade.search.bundle import BundleLinks, searchset_bundle
from fhir_facade.store import StoredResource

_CONTROLS = frozenset({"_count", "_page", "_format", "_pretty"})


def _audited(request: Request, source: str, resource_type: str, interaction: Interaction) -> AuditedProvider:
    service = facade_context(request).service(source)
    service.capability(resource_type, interaction)
    if not isinstance(service.provider, AuditedProvider):
        raise FhirError(404, IssueCode.NOT_SUPPORTED, f"this source keeps no audit trail for {resource_type}")
    return service.provider


def _as_stored(source: str, resource: JsonObject) -> StoredResource:
    recorded = str(resource.get("recorded", ""))
    last_updated = datetime.fromisoformat(recorded) if recorded else datetime.now(UTC)
    body = {key: value for key, value in resource.items() if key not in ("resourceType", "id")}
    resource_id = str(resource["id"])
    return StoredResource(source, str(resource["resourceType"]), resource_id, resource_id, 1, last_updated, body)


def _int(value: str | None, default: int, name: str) -> int:
    if value is None:
        return default
    if not value.isdigit():
        raise FhirError(400, IssueCode.INVALID, f"{name} must be a non-negative integer")
    return int(value)


async def _search(source: str, resource_type: str, request: Request, pairs: list[tuple[str, str]]) -> FhirResponse:
    check_accept(request)
    provider = _audited(request, source, resource_type, Interaction.SEARCH)
    settings = facade_context(request).settings
    controls = dict(pair for pair in pairs if pair[0] in _CONTROLS)
    count = min(_int(controls.get("_count"), settings.default_page_size, "_count"), settings.max_page_size)
    offset = _int(controls.get("_page"), 0, "_page")
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        if name not in _CONTROLS:
            params.setdefault(name, []).append(value)
    allowed = AUDIT_EVENT_PARAMS if resource_type == "AuditEvent" else ("target",)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise FhirError(400, IssueCode.NOT_SUPPORTED, f"{resource_type} is searched by {', '.join(allowed)} only")
    page: AuditPage
    if resource_type == "AuditEvent":
        try:
            page = await provider.audit_events(params, offset, count)
        except ValueError as error:
            raise FhirError(400, IssueCode.INVALID, str(error)) from None
    else:
        if len(params.get("target", [])) != 1:
            raise FhirError(400, IssueCode.REQUIRED, "Provenance is searched by one target=Type/id")
        page = await provider.provenances(params["target"][0], offset, count)
    base_url = facade_context(request).base_url(source)
    kept = [(name, value) for name, values in params.items() for value in values]
    type_url = f"{base_url}/{resource_type}"

    def page_url(at: int) -> str:
        return f"{type_url}?{urlencode([*kept, ('_count', str(count)), ('_page', str(at))])}"

    following = offset + len(page.resources)
    links = BundleLinks(
        page_url(offset),
        page_url(following) if page.resources and following < page.total else None,
        page_url(max(0, offset - count)) if offset > 0 else None,
    )
    matches = [_as_stored(source, resource) for resource in page.resources]
    return fhir_response(searchset_bundle(base_url, links, matches, total=page.total))


def audit_fhir_router() -> APIRouter:
    """GET/POST search and read of AuditEvent and Provenance on every audited source's base."""
    router = APIRouter(tags=["FHIR audit"])
    for resource_type in AUDIT_RESOURCE_TYPES:
        _add_routes(router, resource_type)
    return router


def _add_routes(router: APIRouter, resource_type: str) -> None:
    search_scope = [Depends(require_scope(resource_type, INTERACTION_PERMISSION[Interaction.SEARCH]))]
    read_scope = [Depends(require_scope(resource_type, INTERACTION_PERMISSION[Interaction.READ]))]

    @router.get(f"/fhir/{{source}}/{resource_type}", summary=f"search {resource_type}", dependencies=search_scope)
    async def search_get(source: str, request: Request) -> FhirResponse:
        return await _search(source, resource_type, request, list(request.query_params.multi_items()))

    @router.post(
        f"/fhir/{{source}}/{resource_type}/_search", summary=f"search {resource_type} (POST)", dependencies=search_scope
    )
    async def search_post(source: str, request: Request) -> FhirResponse:
        body = (await request.body()).decode("utf-8", errors="replace")
        pairs = list(request.query_params.multi_items()) + parse_qsl(body, keep_blank_values=True)
        return await _search(source, resource_type, request, pairs)

    @router.get(
        f"/fhir/{{source}}/{resource_type}/{{logical_id}}", summary=f"read {resource_type}", dependencies=read_scope
    )
    async def read(source: str, logical_id: str, request: Request) -> FhirResponse:
        check_accept(request)
        provider = _audited(request, source, resource_type, Interaction.READ)
        provided = await provider.read(resource_type, logical_id)
        stored = _as_stored(source, provided.resource)
        return fhir_response(stored.resource(), headers={"Cache-Control": "no-store"})

"""Read-side FHIR routes: metadata, per-source SMART discovery, read, vread, history. Nothing resource-specific."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from fhir_facade.auth.dependencies import authorize_interaction
from fhir_facade.auth.routes import smart_configuration
from fhir_facade.capability import capability_statement
from fhir_facade.formats import FhirResponse, check_accept, fhir_response
from fhir_facade.provider import Interaction
from fhir_facade.routes.context import facade_context, path_parameters
from fhir_facade.routes.headers import freshness, none_match, resource_headers
from fhir_facade.search.bundle import history_bundle
from fhir_facade.store import format_instant

router = APIRouter(tags=["FHIR"])


@router.get("/fhir/{source}/metadata", summary="CapabilityStatement of a source (anonymous)")
async def metadata(source: str, request: Request) -> FhirResponse:
    check_accept(request)
    context = facade_context(request)
    service = context.service(source)
    token_url = request.app.state.token_service.token_url
    statement = capability_statement(
        service.provider.capabilities, context.base_url(source), token_url, format_instant(context.started_at)
    )
    return fhir_response(statement)


@router.get("/fhir/{source}/.well-known/smart-configuration", summary="SMART configuration of a source base")
async def source_smart_configuration(source: str, request: Request) -> JSONResponse:
    facade_context(request).service(source)
    return JSONResponse(smart_configuration(request.app.state.token_service))


# The read route takes the bare Request: the hottest route skips FastAPI's parameter and dependency resolution
# (measured at a fifth of a stored read's cost); its path parameters are declared for the OpenAPI docs instead.
_READ_PARAMETERS = path_parameters("source", "resource_type", "logical_id")


@router.get("/fhir/{source}/{resource_type}/{logical_id}", summary="read", openapi_extra=_READ_PARAMETERS)
async def read(request: Request) -> FhirResponse:
    authorize_interaction(request, Interaction.READ)
    check_accept(request)
    path = request.path_params
    source, resource_type, logical_id = path["source"], path["resource_type"], path["logical_id"]
    context = facade_context(request)
    service = context.service(source)
    service.capability(resource_type, Interaction.READ)
    stored = await service.read(resource_type, logical_id, freshness(request))
    headers = resource_headers(stored, context.base_url(source))
    if none_match(request.headers.get("if-none-match"), stored.version_id):
        return fhir_response(None, 304, headers)
    return fhir_response(stored.rendered, headers=headers)


@router.get(
    "/fhir/{source}/{resource_type}/{logical_id}/_history",
    summary="history of one resource (the versions the bots have seen)",
)
async def history(source: str, resource_type: str, logical_id: str, request: Request) -> FhirResponse:
    authorize_interaction(request, Interaction.VREAD)
    check_accept(request)
    context = facade_context(request)
    service = context.service(source)
    service.capability(resource_type, Interaction.VREAD)
    versions = await service.history(resource_type, logical_id)
    self_url = f"{context.base_url(source)}/{resource_type}/{logical_id}/_history"
    return fhir_response(history_bundle(context.base_url(source), self_url, versions))


@router.get(
    "/fhir/{source}/{resource_type}/{logical_id}/_history/{version_id}",
    summary="vread",
)
async def vread(source: str, resource_type: str, logical_id: str, version_id: str, request: Request) -> FhirResponse:
    authorize_interaction(request, Interaction.VREAD)
    check_accept(request)
    context = facade_context(request)
    service = context.service(source)
    service.capability(resource_type, Interaction.VREAD)
    stored = await service.vread(resource_type, logical_id, version_id)
    return fhir_response(stored.rendered, headers=resource_headers(stored, context.base_url(source)))

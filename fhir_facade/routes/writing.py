"""Write-side FHIR routes: create (conditional too), update with version checks, and the async status endpoint."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from bots.errors import RecordNotFound
from fhir_facade.auth.dependencies import authenticated, authorize_interaction
from fhir_facade.auth.tokens import Principal
from fhir_facade.formats import FhirResponse, check_accept, check_content_type, fhir_response
from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.provider import Interaction
from fhir_facade.routes.context import facade_context
from fhir_facade.routes.headers import parse_if_match, preferences
from fhir_facade.service import Freshness
from fhir_facade.store import StoredResource
from fhir_facade.validation import parse_json, validate_resource
from fhir_facade.write_queue import WriteInteraction, WriteRequest, WriteState
from fhir_facade.writes import (
    accepted,
    conditional_match,
    finished_write,
    idempotency_key,
    read_body,
    represented,
    without_server_meta,
)

router = APIRouter(tags=["FHIR"])


async def _validated_body(request: Request, resource_type: str) -> dict[str, Any]:
    check_accept(request)
    check_content_type(request)
    raw = await read_body(request, facade_context(request).settings.max_body_bytes)
    return validate_resource(parse_json(raw), resource_type)


@router.get("/fhir/{source}/_write-status/{job_id}", summary="status of a write (FHIR asynchronous pattern)")
async def write_status(
    source: str, job_id: str, request: Request, principal: Annotated[Principal, Depends(authenticated)]
) -> FhirResponse:
    check_accept(request)
    context = facade_context(request)
    service = context.service(source)
    status = await service.write_queue.status(job_id)
    if status is None or status.request.source != source or status.request.client_id != principal.client_id:
        raise FhirError(404, IssueCode.NOT_FOUND, f"no write {job_id!r} of this client on {source}")
    if not status.state.final:
        return accepted(context, status)
    if status.state == WriteState.SUCCEEDED and status.result is not None:
        stored = (await service.save([status.result]))[0]
        base_url = context.base_url(source)
        code = "201 Created" if status.request.interaction == WriteInteraction.CREATE else "200 OK"
        entry = {
            "fullUrl": f"{base_url}/{stored.resource_type}/{stored.logical_id}",
            "resource": stored.resource(),
            "response": {
                "status": code,
                "location": f"{base_url}/{stored.resource_type}/{stored.logical_id}/_history/{stored.version_id}",
                "etag": f'W/"{stored.version_id}"',
            },
        }
        return fhir_response({"resourceType": "Bundle", "type": "batch-response", "entry": [entry]})
    return await finished_write(context, status, preferences(request))


@router.post(
    "/fhir/{source}/{resource_type}",
    summary="create (If-None-Exist for conditional create)",
    status_code=201,
)
async def create(source: str, resource_type: str, request: Request) -> FhirResponse:
    authorize_interaction(request, Interaction.CREATE)
    context = facade_context(request)
    service = context.service(source)
    capability = service.capability(resource_type, Interaction.CREATE)
    resource = without_server_meta(await _validated_body(request, resource_type))
    resource.pop("id", None)
    prefer = preferences(request)
    if_none_exist = request.headers.get("if-none-exist")
    if if_none_exist:
        existing = await conditional_match(service, capability, if_none_exist, prefer.strict)
        if existing is not None:
            return represented(existing, context.base_url(source), prefer, 200, location=False)
    principal: Principal = request.state.principal
    write = WriteRequest(
        source,
        WriteInteraction.CREATE,
        resource_type,
        resource,
        idempotency_key(resource, if_none_exist),
        client_id=principal.client_id,
    )
    status = await service.write_queue.enqueue(write)
    if prefer.respond_async:
        return accepted(context, status)
    status = await service.write_queue.wait(status.job_id, context.settings.write_wait_seconds)
    return await finished_write(context, status, prefer)


async def _current(request: Request, source: str, resource_type: str, logical_id: str) -> StoredResource:
    service = facade_context(request).service(source)
    try:
        return await service.read(resource_type, logical_id, Freshness(from_memory=False))
    except RecordNotFound:
        raise FhirError(
            405, IssueCode.NOT_SUPPORTED, f"{resource_type}/{logical_id} does not exist and update cannot create it"
        ) from None


@router.put(
    "/fhir/{source}/{resource_type}/{logical_id}",
    summary="update (If-Match for version-aware updates)",
)
async def update(source: str, resource_type: str, logical_id: str, request: Request) -> FhirResponse:
    authorize_interaction(request, Interaction.UPDATE)
    context = facade_context(request)
    service = context.service(source)
    service.capability(resource_type, Interaction.UPDATE)
    validated = await _validated_body(request, resource_type)
    resource = without_server_meta(validated)
    if resource.get("id") is None:
        raise FhirError(400, IssueCode.REQUIRED, "an update must carry the resource id", expression="id")
    if resource["id"] != logical_id:
        raise FhirError(400, IssueCode.INVALID, "the resource id does not match the URL", expression="id")
    current = await _current(request, source, resource_type, logical_id)
    if_match = request.headers.get("if-match")
    if if_match is not None and parse_if_match(if_match) != current.version_id:
        raise FhirError(
            412, IssueCode.CONFLICT, f"If-Match names another version than the current {current.version_id}"
        )
    claimed_version = validated.get("meta", {}).get("versionId")
    if claimed_version is not None and claimed_version != str(current.version_id):
        raise FhirError(409, IssueCode.CONFLICT, f"meta.versionId is not the current version {current.version_id}")
    prefer = preferences(request)
    principal: Principal = request.state.principal
    key = f"update:{resource_type}/{logical_id}@{current.version_id}:" + idempotency_key(resource, None)
    write = WriteRequest(
        source, WriteInteraction.UPDATE, resource_type, resource, key, current.legacy_key, principal.client_id
    )
    status = await service.write_queue.enqueue(write)
    if prefer.respond_async:
        return accepted(context, status)
    status = await service.write_queue.wait(status.job_id, context.settings.write_wait_seconds)
    return await finished_write(context, status, prefer)

"""The write side between routes and the WriteQueue: bodies, idempotency keys, conditional create, outcomes.

A write is validated before anything is queued; the caller then waits up to `write_wait_seconds` for the
verified result (201/200), or gets 202 + Content-Location of the status endpoint (FHIR async pattern).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from fhir_facade.bot_errors import error_class_named, http_error
from fhir_facade.formats import FhirResponse, fhir_response
from fhir_facade.outcomes import FhirError, Issue, IssueCode, Severity, operation_outcome
from fhir_facade.provider import ResourceCapability
from fhir_facade.routes.context import FacadeContext
from fhir_facade.routes.headers import Preferences, resource_headers
from fhir_facade.search.cursor import PagePosition
from fhir_facade.search.executor import fetch_page
from fhir_facade.search.params import parse_query
from fhir_facade.search.planner import plan_search
from fhir_facade.service import SourceService
from fhir_facade.store import StoredResource
from fhir_facade.write_queue import WriteInteraction, WriteState, WriteStatus


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it exceeds `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FhirError(413, IssueCode.TOO_LONG, f"the body is larger than the {limit} bytes this server accepts")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise FhirError(413, IssueCode.TOO_LONG, f"the body is larger than the {limit} bytes this server accepts")
        chunks.append(chunk)
    return b"".join(chunks)


def without_server_meta(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource without what the server owns: meta.versionId and meta.lastUpdated."""
    body = dict(resource)
    meta = {key: value for key, value in body.pop("meta", {}).items() if key not in ("versionId", "lastUpdated")}
    return {**body, "meta": meta} if meta else body


def idempotency_key(resource: dict[str, Any], if_none_exist: str | None) -> str:
    """If-None-Exist, else the resource's identifiers, else a hash of its content: the same write, the same key."""
    if if_none_exist:
        return "if-none-exist:" + "&".join(sorted(if_none_exist.split("&")))
    identifiers = sorted(
        f"{identifier.get('system', '')}|{identifier.get('value', '')}"
        for identifier in resource.get("identifier", [])
        if isinstance(identifier, dict) and identifier.get("value")
    )
    if identifiers:
        return f"identifier:{resource['resourceType']}:" + ",".join(identifiers)
    digest = hashlib.sha256(json.dumps(resource, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f"content:{digest}"


async def conditional_match(
    service: SourceService, capability: ResourceCapability, if_none_exist: str, strict: bool
) -> StoredResource | None:
    """The one existing resource If-None-Exist names, None when there is none; 412 when several match."""
    if not capability.conditional_create:
        raise FhirError(
            412, IssueCode.NOT_SUPPORTED, f"conditional create is not supported for {capability.resource_type}"
        )
    query = parse_query(parse_qsl(if_none_exist.lstrip("?"), keep_blank_values=True))
    if not query.params:
        raise FhirError(400, IssueCode.INVALID, "If-None-Exist must hold search parameters", expression="If-None-Exist")
    found = (await fetch_page(service, plan_search(capability, query, strict), PagePosition(), 2)).matches
    if len(found) > 1:
        raise FhirError(412, IssueCode.DUPLICATE, "If-None-Exist matches more than one resource")
    return found[0] if found else None


def accepted(context: FacadeContext, status: WriteStatus) -> FhirResponse:
    """202 Accepted with the status endpoint in Content-Location."""
    status_url = context.status_url(status.request.source, status.job_id)
    outcome = operation_outcome(
        [Issue(IssueCode.INFORMATIONAL, f"the write is {status.state.value}; poll {status_url}", Severity.INFORMATION)]
    )
    return fhir_response(outcome, 202, {"Content-Location": status_url, "X-Progress": status.state.value})


def represented(
    stored: StoredResource, base_url: str, prefer: Preferences, status_code: int, location: bool
) -> FhirResponse:
    """A written or found resource answered as `Prefer: return=` asks."""
    headers = resource_headers(stored, base_url, location=location)
    if prefer.return_ == "minimal":
        return fhir_response(None, status_code, headers)
    if prefer.return_ == "OperationOutcome":
        outcome = operation_outcome(
            [
                Issue(
                    IssueCode.INFORMATIONAL,
                    f"{stored.resource_type}/{stored.logical_id} version {stored.version_id}",
                    Severity.INFORMATION,
                )
            ]
        )
        return fhir_response(outcome, status_code, headers)
    return fhir_response(stored.resource(), status_code, headers)


async def finished_write(context: FacadeContext, status: WriteStatus, prefer: Preferences) -> FhirResponse:
    """The answer to a write once the queue has an outcome (or still has none)."""
    source = status.request.source
    if status.state == WriteState.SUCCEEDED and status.result is not None:
        stored = await context.service(source).save([status.result])
        code = 201 if status.request.interaction == WriteInteraction.CREATE else 200
        return represented(stored[0], context.base_url(source), prefer, code, location=True)
    if status.state.final:
        kind = status.error.kind if status.error else "BotError"
        message = status.error.message if status.error else "the write failed"
        raise http_error(error_class_named(kind), message, status_url=context.status_url(source, status.job_id))
    return accepted(context, status)

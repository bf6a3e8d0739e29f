"""Formats the facade speaks (FHIR JSON only): Accept / `_format` negotiation, Content-Type checks, responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.store import render_json

FHIR_JSON = "application/fhir+json"
ACCEPTED_MEDIA_TYPES = frozenset({FHIR_JSON, "application/json", "application/*", "*/*"})
FORMAT_ALIASES = frozenset({"json", FHIR_JSON, "application/json"})
BODY_MEDIA_TYPES = frozenset({FHIR_JSON, "application/json"})


def _media_types(header: str) -> list[str]:
    types = []
    for item in header.split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        if any(param.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for param in params):
            continue
        if media_type:
            types.append(media_type.lower())
    return types


def check_accept(request: Request) -> None:
    """406 unless the client accepts FHIR JSON (by `_format` first, then the Accept header)."""
    # Most reads have no query string: do not parse one to learn that.
    requested_format = request.query_params.get("_format") if request.scope.get("query_string") else None
    if requested_format is not None:
        if requested_format.split(";")[0].strip().lower() not in FORMAT_ALIASES:
            raise FhirError(406, IssueCode.NOT_SUPPORTED, f"_format {requested_format!r} is not supported; use json")
        return
    accept = request.headers.get("accept")
    if accept and not any(media_type in ACCEPTED_MEDIA_TYPES for media_type in _media_types(accept)):
        raise FhirError(406, IssueCode.NOT_SUPPORTED, f"cannot answer in {accept!r}; this server speaks {FHIR_JSON}")


def check_content_type(request: Request) -> None:
    """415 unless a request body is FHIR JSON."""
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in BODY_MEDIA_TYPES:
        raise FhirError(
            415, IssueCode.NOT_SUPPORTED, f"content type {content_type or 'none'!r} is not supported; send {FHIR_JSON}"
        )


class FhirResponse(Response):
    """A FHIR JSON response; `None` values are never emitted."""

    media_type = FHIR_JSON

    def render(self, content: Any) -> bytes:
        if content is None:
            return b""
        if isinstance(content, bytes):
            return content
        return render_json(content)


def fhir_response(
    content: Mapping[str, Any] | bytes | None, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> FhirResponse:
    """A FHIR JSON answer; `content` may be a resource or its already rendered bytes (StoredResource.rendered)."""
    response = FhirResponse(content, status_code=status_code, headers=dict(headers or {}))
    if content is None:
        del response.headers["content-type"]
    return response

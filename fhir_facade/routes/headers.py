"""HTTP header conventions of the FHIR REST API: Prefer, ETag / If-Match, Cache-Control, resource headers."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.service import Freshness
from fhir_facade.store import StoredResource

RETURN_PREFERENCES = frozenset({"minimal", "representation", "OperationOutcome"})


@dataclass(frozen=True)
class Preferences:
    """The `Prefer` header: return=..., respond-async, handling=strict|lenient."""

    return_: str = "representation"
    respond_async: bool = False
    strict: bool = False


def preferences(request: Request) -> Preferences:
    tokens = [
        token.strip() for header in request.headers.getlist("prefer") for token in header.replace(";", ",").split(",")
    ]
    values = dict(token.partition("=")[::2] for token in tokens if token)
    return_ = values.get("return", "representation").strip('"')
    if return_ not in RETURN_PREFERENCES:
        return_ = "representation"
    return Preferences(return_, "respond-async" in values, values.get("handling", "").strip('"') == "strict")


def freshness(request: Request) -> Freshness:
    """`Cache-Control: no-cache` (or `Pragma: no-cache`) forces a live read; `max-age=N` bounds the stored copy."""
    directives = [item.strip().lower() for item in request.headers.get("cache-control", "").split(",") if item.strip()]
    if "no-cache" in directives or "no-store" in directives or request.headers.get("pragma", "").lower() == "no-cache":
        return Freshness(live=True)
    for directive in directives:
        name, _, value = directive.partition("=")
        if name == "max-age" and value.isdigit():
            return Freshness(max_age_seconds=float(value))
    return Freshness()


def none_match(header: str | None, version_id: int) -> bool:
    """`If-None-Match` names the current version (weak or strong form, one of a list, or `*`): answer 304."""
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    return "*" in tags or str(version_id) in tags


def parse_if_match(value: str) -> int:
    """The version an `If-Match` header names (`W/"3"` or `"3"`); 400 when it names none."""
    raw = value.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise FhirError(400, IssueCode.INVALID, 'If-Match must be an ETag such as W/"3"', expression="If-Match")
    return int(raw)


def resource_headers(stored: StoredResource, base_url: str, *, location: bool = False) -> dict[str, str]:
    headers = {"ETag": stored.etag, "Last-Modified": stored.last_modified}
    if location:
        headers["Location"] = f"{base_url}/{stored.resource_type}/{stored.logical_id}/_history/{stored.version_id}"
    return headers

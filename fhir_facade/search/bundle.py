"""Bundles the facade answers with: searchsets (fullUrl, search.mode, total, paging links, outcome) and history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fhir_facade.outcomes import Issue, IssueCode, Severity, operation_outcome
from fhir_facade.search.shaping import shape
from fhir_facade.store import StoredResource, format_instant


@dataclass(frozen=True)
class BundleLinks:
    self_url: str
    next_url: str | None = None
    previous_url: str | None = None

    def as_json(self) -> list[dict[str, str]]:
        links = [{"relation": "self", "url": self.self_url}]
        if self.next_url:
            links.append({"relation": "next", "url": self.next_url})
        if self.previous_url:
            links.append({"relation": "previous", "url": self.previous_url})
        return links


def _entry(
    base_url: str, stored: StoredResource, mode: str, summary: str | None, elements: tuple[str, ...] | None
) -> dict[str, Any]:
    return {
        "fullUrl": f"{base_url}/{stored.resource_type}/{stored.logical_id}",
        "resource": shape(stored.resource(), summary, elements),
        "search": {"mode": mode},
    }


def history_bundle(base_url: str, self_url: str, versions: Sequence[StoredResource]) -> dict[str, Any]:
    """A history Bundle of one resource's stored versions, newest first."""
    entries = []
    for index, stored in enumerate(versions):
        url = f"{stored.resource_type}/{stored.logical_id}"
        first_version = index == len(versions) - 1
        entries.append(
            {
                "fullUrl": f"{base_url}/{url}",
                "resource": stored.resource(),
                "request": {
                    "method": "POST" if first_version else "PUT",
                    "url": stored.resource_type if first_version else url,
                },
                "response": {
                    "status": "201" if first_version else "200",
                    "etag": f'W/"{stored.version_id}"',
                    "lastModified": format_instant(stored.last_updated),
                },
            }
        )
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "history",
        "total": len(entries),
        "link": [{"relation": "self", "url": self_url}],
    }
    if entries:
        bundle["entry"] = entries
    return bundle


def searchset_bundle(
    base_url: str,
    links: BundleLinks,
    matches: Sequence[StoredResource],
    *,
    included: Sequence[StoredResource] = (),
    total: int | None = None,
    warnings: Sequence[str] = (),
    summary: str | None = None,
    elements: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """A searchset Bundle; `warnings` (ignored parameters and the like) go into a search.mode=outcome entry."""
    entries = [_entry(base_url, stored, "match", summary, elements) for stored in matches]
    entries += [_entry(base_url, stored, "include", summary, elements) for stored in included]
    if warnings:
        outcome = operation_outcome([Issue(IssueCode.NOT_SUPPORTED, warning, Severity.WARNING) for warning in warnings])
        entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": outcome, "search": {"mode": "outcome"}})
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": format_instant(datetime.now(UTC))},
        "type": "searchset",
    }
    if total is not None:
        bundle["total"] = total
    bundle["link"] = links.as_json()
    if entries:
        bundle["entry"] = entries
    return bundle

"""AuditEvent and Provenance from the audit trail, composed with a source's own provider.

    provider = AuditedProvider(BotProvider(runtime, "legacy-web"), trail, "legacy_web")

The source's capabilities gain `AuditEvent` (read, search by patient, date, outcome, subtype, agent) and
`Provenance` (read, search by target); everything else goes to the wrapped provider unchanged. AuditEvents are
derived from the trail's runs of this source, Provenance from the runs that wrote a resource. Every read and
search is recorded in the trail as a view by the calling client (`audit.queries` does it).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from audit.queries import AuditEventQuery, read_audit_event, read_provenance, search_audit_events, search_provenance
from audit.trail import AuditTrail
from bots.errors import RecordNotFound
from fhir_facade.audit_recorder import AUDIT_RESOURCE_TYPES, note_views_recorded
from fhir_facade.caller import current_caller
from fhir_facade.provider import (
    Interaction,
    JsonObject,
    ProvidedResource,
    Provider,
    ProviderPage,
    ProviderSearch,
    ResourceCapability,
    SearchParamSupport,
    SourceCapabilities,
)

AUDIT_EVENT = "AuditEvent"
PROVENANCE = "Provenance"
AUDIT_EVENT_PARAMS = ("patient", "date", "outcome", "subtype", "agent")

AUDIT_CAPABILITIES = (
    ResourceCapability(
        AUDIT_EVENT,
        frozenset({Interaction.READ, Interaction.SEARCH}),
        tuple(SearchParamSupport(name, pushdown=True, narrows=True) for name in AUDIT_EVENT_PARAMS),
        unbounded_search=True,
        legacy_page_size=50,
    ),
    ResourceCapability(
        PROVENANCE,
        frozenset({Interaction.READ, Interaction.SEARCH}),
        (SearchParamSupport("target", pushdown=True, narrows=True),),
        legacy_page_size=50,
    ),
)


def token_code(value: str) -> str:
    """`system|code` or `code` -> `code` (the trail filters by code alone)."""
    return value.rsplit("|", 1)[-1]


@dataclass(frozen=True)
class AuditPage:
    """One page of AuditEvents or Provenances, as plain FHIR JSON, with the total the trail counted."""

    resources: list[JsonObject]
    total: int


def _viewer() -> str:
    caller = current_caller()
    return caller.client_id if caller is not None else "unknown"


class AuditedProvider:
    """A `fhir_facade.Provider`: `inner` plus AuditEvent and Provenance for the runs of `source_id`."""

    def __init__(self, inner: Provider, trail: AuditTrail, source_id: str) -> None:
        self.inner = inner
        self.trail = trail
        self.source_id = source_id
        base = inner.capabilities
        self._capabilities = replace(
            base,
            resources={**base.resources, **{capability.resource_type: capability for capability in AUDIT_CAPABILITIES}},
        )

    @property
    def capabilities(self) -> SourceCapabilities:
        return self._capabilities

    async def audit_events(self, params: dict[str, list[str]], offset: int, count: int) -> AuditPage:
        """`AuditEvent?patient&date&outcome&subtype&agent` over this source's runs, newest first."""
        first = {name: values[0] for name, values in params.items() if values and name != "date"}
        query = AuditEventQuery(
            patient=first.get("patient"),
            date=tuple(params.get("date", ())),
            source=self.source_id,
            outcome=token_code(first["outcome"]) if "outcome" in first else None,
            agent=token_code(first["agent"]) if "agent" in first else None,
            subtype=token_code(first["subtype"]) if "subtype" in first else None,
            count=count,
            offset=offset,
        )
        page = await asyncio.to_thread(search_audit_events, self.trail, query, _viewer())
        note_views_recorded()
        return AuditPage([_json(event) for event in page.resources], page.total)

    async def provenances(self, target: str, offset: int, count: int) -> AuditPage:
        """`Provenance?target=Type/id`: one per run that wrote it."""
        page = await asyncio.to_thread(search_provenance, self.trail, target, _viewer(), count, offset)
        note_views_recorded()
        return AuditPage([_json(provenance) for provenance in page.resources], page.total)

    async def read(self, resource_type: str, legacy_key: str) -> ProvidedResource:
        if resource_type not in AUDIT_RESOURCE_TYPES:
            return await self.inner.read(resource_type, legacy_key)
        viewer = _viewer()
        if resource_type == AUDIT_EVENT:
            event = await asyncio.to_thread(read_audit_event, self.trail, legacy_key, viewer)
            found = _json(event) if event is not None and event.source.site == self.source_id else None
        else:
            provenance = await asyncio.to_thread(read_provenance, self.trail, legacy_key, viewer)
            found = _json(provenance) if provenance is not None else None
        note_views_recorded()
        if found is None:
            raise RecordNotFound(f"no {resource_type} with that id in the audit trail")
        return _provided(found)

    async def search(self, query: ProviderSearch) -> ProviderPage:
        if query.resource_type not in AUDIT_RESOURCE_TYPES:
            return await self.inner.search(query)
        offset = int(query.cursor or 0)
        params = {param.name: list(param.values) for param in query.params}
        if query.resource_type == AUDIT_EVENT:
            page = await self.audit_events(params, offset, query.count)
        else:
            page = await self.provenances(params.get("target", [""])[0], offset, query.count)
        following = offset + len(page.resources)
        return ProviderPage(
            [_provided(resource) for resource in page.resources],
            str(following) if following < page.total and page.resources else None,
            page.total,
        )

    async def create(self, resource: JsonObject) -> ProvidedResource:
        return await self.inner.create(resource)

    async def update(self, legacy_key: str, resource: JsonObject) -> ProvidedResource:
        return await self.inner.update(legacy_key, resource)


def _json(resource: Any) -> JsonObject:
    return dict(resource.model_dump(mode="json", exclude_none=True))


def _provided(resource: JsonObject) -> ProvidedResource:
    return ProvidedResource(resource, str(resource["id"]), datetime.now(UTC))

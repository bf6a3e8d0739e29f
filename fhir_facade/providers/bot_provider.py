"""The bot-backed Provider: the facade's read, search, create and update run as flows of one source's screen map.

    provider = BotProvider(runtime, "legacy-web")          # runtime: bots.SourceRuntime over a screen map
    app = create_app(settings, {"legacy-web": provider}, write_queue)

Capabilities are generated from the screen map alone: a resource type per flow, an interaction per
`Type.interaction` flow, a pushed-down search parameter per flow parameter (narrowing when the legacy screen is
filled with it), and the remaining standard parameters applied by the facade. Every run carries the FHIR caller
(client id, scopes, route) in its `RunInfo`, so the audit trail ties each screenshot to the request behind it.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bots.engine import SourceRuntime
from bots.map_models import Flow
from bots.observer import RunInfo, RunKind
from fhir_facade.caller import current_caller
from fhir_facade.provider import (
    Interaction,
    JsonObject,
    ProvidedResource,
    ProviderPage,
    ProviderSearch,
    ResourceCapability,
    SearchParamSupport,
    SourceCapabilities,
)
from fhir_facade.search.definitions import search_param_definition

# Standard parameters the facade can apply to whatever the legacy search returned (kept where FHIR defines them).
_FACADE_FILTERS = (
    "_id",
    "_lastUpdated",
    "identifier",
    "name",
    "family",
    "given",
    "birthdate",
    "gender",
    "phone",
    "address",
    "address-city",
    "address-state",
    "address-postalcode",
    "code",
    "category",
    "status",
    "clinical-status",
    "criticality",
    "date",
    "onset-date",
    "recorded-date",
    "type",
    "reason-code",
    "effective",
)
# A FHIR parameter that means the same as a legacy one: `subject=Patient/1` searches as `patient=Patient/1`.
_ALIASES = {"subject": "patient"}
_INTERACTIONS = {
    "read": (Interaction.READ, Interaction.VREAD),
    "search": (Interaction.SEARCH,),
    "create": (Interaction.CREATE,),
    "update": (Interaction.UPDATE,),
}
# Rows per page of a legacy result list when the map does not say (the facade pages on top of it).
DEFAULT_LEGACY_PAGE_SIZE = 25


def _search_params(resource_type: str, flow: Flow | None) -> tuple[SearchParamSupport, ...]:
    declared = dict(flow.params) if flow is not None else {}
    supports = [
        SearchParamSupport(name, pushdown=True, narrows=param.apply == "fill") for name, param in declared.items()
    ]
    for alias, target in _ALIASES.items():
        if target in declared and alias not in declared and search_param_definition(resource_type, alias):
            supports.append(SearchParamSupport(alias, pushdown=True, narrows=declared[target].apply == "fill"))
    known = {support.name for support in supports}
    supports += [
        SearchParamSupport(name)
        for name in _FACADE_FILTERS
        if name not in known and search_param_definition(resource_type, name) is not None
    ]
    return tuple(supports)


def capabilities_of(runtime: SourceRuntime, source: str) -> SourceCapabilities:
    """What a screen map's flows let a client do, as the facade's capabilities."""
    screen_map = runtime.screen_map
    resources: dict[str, ResourceCapability] = {}
    for resource_type, interactions in screen_map.capabilities().items():
        granted = frozenset(code for name in interactions for code in _INTERACTIONS.get(name, ()))
        search_flow = screen_map.flow(resource_type, "search")
        resources[resource_type] = ResourceCapability(
            resource_type,
            granted,
            _search_params(resource_type, search_flow) if search_flow is not None else (),
            conditional_create="create" in interactions and search_flow is not None,
            legacy_page_size=DEFAULT_LEGACY_PAGE_SIZE,
        )
    return SourceCapabilities(source, screen_map.source.name, resources)


class BotProvider:
    """A `fhir_facade.Provider` over one `SourceRuntime`; legacy keys are the logical ids the bindings make."""

    def __init__(self, runtime: SourceRuntime, source: str) -> None:
        self.runtime = runtime
        self.source = source
        self._capabilities = capabilities_of(runtime, source)

    @property
    def capabilities(self) -> SourceCapabilities:
        return self._capabilities

    def run_info(self, interaction: str, resource_type: str, resource_id: str | None = None) -> RunInfo:
        """A run of `interaction` on behalf of the FHIR request being served (if any)."""
        caller = current_caller()
        return RunInfo(
            uuid.uuid4().hex,
            self.runtime.source_id,
            interaction,
            kind=RunKind.FHIR,
            resource_type=resource_type,
            resource_id=resource_id,
            patient_id=resource_id if resource_type == "Patient" else None,
            client_id=caller.client_id if caller is not None else None,
            scopes=caller.scopes if caller is not None else (),
            request_summary=caller.request_summary if caller is not None else None,
        )

    async def read(self, resource_type: str, legacy_key: str) -> ProvidedResource:
        info = self.run_info(f"{resource_type}.read", resource_type, legacy_key)
        return provided(await self.runtime.read(resource_type, legacy_key, info))

    async def search(self, query: ProviderSearch) -> ProviderPage:
        declared = self.runtime.search_params(query.resource_type)
        params: dict[str, str] = {}
        for param in query.params:
            name = param.name if param.name in declared else _ALIASES.get(param.name, param.name)
            params[name] = param.values[0]
        patient = params.get("patient")
        info = self.run_info(f"{query.resource_type}.search", query.resource_type)
        if patient is not None:
            info = replace(info, patient_id=patient.rsplit("/", 1)[-1])
        page = await self.runtime.search(query.resource_type, params, query.cursor, info)
        return ProviderPage([provided(resource) for resource in page.resources], page.next_cursor)

    async def create(self, resource: JsonObject) -> ProvidedResource:
        resource_type = str(resource["resourceType"])
        result = await self.runtime.create(resource, self.run_info(f"{resource_type}.create", resource_type))
        return provided(result.resource)

    async def update(self, legacy_key: str, resource: JsonObject) -> ProvidedResource:
        resource_type = str(resource["resourceType"])
        info = self.run_info(f"{resource_type}.update", resource_type, legacy_key)
        result = await self.runtime.update({**resource, "id": legacy_key}, info)
        return provided(result.resource)


def provided(resource: dict[str, Any]) -> ProvidedResource:
    """A resource the engine produced, keyed by its id (the engine's ids are the legacy keys)."""
    return ProvidedResource(resource, str(resource["id"]), datetime.now(UTC))

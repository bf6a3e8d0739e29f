"""`_include` and `_revinclude`: the resources a page's matches reference, and those referencing them.

Included types must be readable (or searchable, for _revinclude) by the source and allowed by the caller's
scopes; what cannot be included is reported as a warning rather than failing the whole search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bots.errors import RecordNotFound
from fhir_facade.auth.scopes import ScopeSet
from fhir_facade.outcomes import FhirError
from fhir_facade.provider import Interaction
from fhir_facade.search.definitions import ParamType, search_param_definition
from fhir_facade.search.executor import collect_all
from fhir_facade.search.matching import element_values
from fhir_facade.search.params import IncludeSpec, ParsedQuery, SearchParam
from fhir_facade.search.planner import plan_search
from fhir_facade.service import Freshness, SourceService
from fhir_facade.store import StoredResource


@dataclass
class Inclusion:
    resources: list[StoredResource] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _seen: set[tuple[str, str]] = field(default_factory=set)

    def exclude(self, resources: Sequence[StoredResource]) -> None:
        """Never include these (the page's matches are already in the Bundle)."""
        self._seen.update((stored.resource_type, stored.logical_id) for stored in resources)

    def add(self, stored: StoredResource) -> None:
        key = (stored.resource_type, stored.logical_id)
        if key not in self._seen:
            self._seen.add(key)
            self.resources.append(stored)


def _permitted(service: SourceService, scopes: ScopeSet, resource_type: str, interaction: Interaction) -> bool:
    capability = service.provider.capabilities.resource(resource_type)
    return (
        capability is not None
        and capability.supports(interaction)
        and scopes.allows_interaction(resource_type, interaction)
    )


async def _include(
    service: SourceService, scopes: ScopeSet, matches: Sequence[StoredResource], spec: IncludeSpec, result: Inclusion
) -> None:
    definition = search_param_definition(spec.source_type, spec.param)
    if definition is None or definition.type != ParamType.REFERENCE:
        result.warnings.append(f"_include={spec}: not a reference parameter")
        return
    for stored in matches:
        if stored.resource_type != spec.source_type:
            continue
        for path in definition.paths:
            for value in element_values(stored.resource(), path):
                reference = value.get("reference", "") if isinstance(value, dict) else ""
                target_type, _, target_id = reference.rpartition("/")
                if not target_id or (spec.target_type and target_type != spec.target_type):
                    continue
                if not _permitted(service, scopes, target_type, Interaction.READ):
                    result.warnings.append(f"_include={spec}: {target_type} cannot be read with these scopes")
                    return
                try:
                    result.add(await service.read(target_type, target_id, Freshness()))
                except RecordNotFound:
                    continue


async def _revinclude(
    service: SourceService,
    scopes: ScopeSet,
    matches: Sequence[StoredResource],
    spec: IncludeSpec,
    limit: int,
    result: Inclusion,
) -> None:
    if not _permitted(service, scopes, spec.source_type, Interaction.SEARCH):
        result.warnings.append(f"_revinclude={spec}: {spec.source_type} cannot be searched with these scopes")
        return
    capability = service.capability(spec.source_type, Interaction.SEARCH)
    for stored in matches:
        reference = f"{stored.resource_type}/{stored.logical_id}"
        query = ParsedQuery(params=[SearchParam(spec.param, (reference,))])
        try:
            plan = plan_search(capability, query, strict=True)
            for found in await collect_all(service, plan, limit):
                result.add(found)
        except FhirError as error:
            result.warnings.append(f"_revinclude={spec}: {error.diagnostics}")
            return


async def resolve_inclusions(
    service: SourceService,
    scopes: ScopeSet,
    matches: Sequence[StoredResource],
    includes: Sequence[IncludeSpec],
    revincludes: Sequence[IncludeSpec],
    limit: int,
) -> Inclusion:
    result = Inclusion()
    result.exclude(matches)
    for spec in includes:
        await _include(service, scopes, matches, spec, result)
    for spec in revincludes:
        await _revinclude(service, scopes, matches, spec, limit, result)
    return result

"""The CapabilityStatement of one source, generated from its provider's declared capabilities and nothing else."""

from __future__ import annotations

from typing import Any

from fhir_facade.provider import Interaction, SourceCapabilities
from fhir_facade.search.definitions import search_param_definition

FHIR_VERSION = "4.0.1"
SMART_OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"


def _resource_entry(capabilities: SourceCapabilities, resource_type: str) -> dict[str, Any]:
    capability = capabilities.resources[resource_type]
    interactions = [{"code": interaction.value} for interaction in Interaction if capability.supports(interaction)]
    if capability.supports(Interaction.VREAD):
        # The store keeps every version a bot saw, so whatever can be vread has an instance history.
        interactions.append({"code": "history-instance"})
    entry: dict[str, Any] = {
        "type": resource_type,
        "interaction": interactions,
        "versioning": "versioned",
        "readHistory": capability.supports(Interaction.VREAD),
        "updateCreate": False,
        "conditionalCreate": capability.conditional_create and capability.supports(Interaction.CREATE),
        "conditionalUpdate": False,
        "conditionalDelete": "not-supported",
    }
    if capability.supports(Interaction.SEARCH):
        params = []
        for support in capability.search_params:
            definition = search_param_definition(resource_type, support.name)
            if definition is None:
                continue
            how = "searched by the legacy system" if support.pushdown else "filtered by the facade"
            narrows = "; narrows a search enough on its own" if support.pushdown and support.narrows else ""
            params.append(
                {
                    "name": support.name,
                    "definition": f"http://hl7.org/fhir/SearchParameter/{resource_type}-{support.name}",
                    "type": definition.type.value,
                    "documentation": f"{definition.documentation} ({how}{narrows})",
                }
            )
        entry["searchParam"] = params
        includes = [
            f"{resource_type}:{support.name}"
            for support in capability.search_params
            if _is_reference(resource_type, support.name)
        ]
        if includes:
            entry["searchInclude"] = includes
        referencing = _revincludes(capabilities, resource_type)
        if referencing:
            entry["searchRevInclude"] = referencing
    return entry


def _revincludes(capabilities: SourceCapabilities, resource_type: str) -> list[str]:
    """`Type:param` for every searchable type whose reference parameter can point at `resource_type`."""
    found = []
    for source_type in sorted(capabilities.resources):
        capability = capabilities.resources[source_type]
        if not capability.supports(Interaction.SEARCH):
            continue
        for support in capability.search_params:
            definition = search_param_definition(source_type, support.name)
            if definition is not None and definition.type.value == "reference" and resource_type in definition.targets:
                found.append(f"{source_type}:{support.name}")
    return found


def _is_reference(resource_type: str, name: str) -> bool:
    definition = search_param_definition(resource_type, name)
    return definition is not None and definition.type.value == "reference"


def capability_statement(
    capabilities: SourceCapabilities, base_url: str, token_url: str, published: str
) -> dict[str, Any]:
    """An R4 CapabilityStatement (kind=instance) for the source served at `base_url`."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": published,
        "publisher": "RetroFHIR",
        "kind": "instance",
        "title": capabilities.title,
        "software": {"name": capabilities.software_name},
        "implementation": {"description": f"{capabilities.title} through RetroFHIR", "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "cors": False,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "description": "SMART Backend Services (client_credentials, private_key_jwt RS384/ES384)",
                    "extension": [
                        {"url": SMART_OAUTH_URIS, "extension": [{"url": "token", "valueUri": token_url}]},
                    ],
                },
                "resource": [_resource_entry(capabilities, name) for name in sorted(capabilities.resources)],
            }
        ],
    }

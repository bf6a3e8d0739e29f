"""Providers the facade ships with: in-memory reference, bot-backed over a screen map, and the audit trail's wrapper."""

from fhir_facade.providers.audit_provider import AuditedProvider
from fhir_facade.providers.bot_provider import BotProvider, capabilities_of
from fhir_facade.providers.memory import MemoryProvider, legacy_profile, practice_resources

__all__ = [
    "AuditedProvider",
    "BotProvider",
    "MemoryProvider",
    "capabilities_of",
    "legacy_profile",
    "practice_resources",
]

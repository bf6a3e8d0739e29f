"""Providers the facade ships with: the in-memory reference provider and the bot-backed one over a screen map."""

from fhir_facade.providers.bot_provider import BotProvider, capabilities_of
from fhir_facade.providers.memory import MemoryProvider, legacy_profile, practice_resources

__all__ = ["BotProvider", "MemoryProvider", "capabilities_of", "legacy_profile", "practice_resources"]

"""Providers the facade ships with: the in-memory reference provider (the bot-backed one lives with the bots)."""

from fhir_facade.providers.memory import MemoryProvider, legacy_profile, practice_resources

__all__ = ["MemoryProvider", "legacy_profile", "practice_resources"]

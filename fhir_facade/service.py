"""One source as the routes see it: capability checks, reads with freshness, and saving what the bot saw.

Routes never talk to a provider or the store directly; they go through a SourceService so the rules
(404 unknown type, 405 unsupported interaction, answer from the store when fresh enough) live in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.provider import Interaction, ProvidedResource, Provider, ResourceCapability
from fhir_facade.settings import FhirSettings
from fhir_facade.store import LocalStore, StoredResource
from fhir_facade.write_queue import WriteQueue


@dataclass(frozen=True)
class Freshness:
    """How old a stored copy may be to answer a read: `live` forces the bot, else at most `max_age_seconds`.

    `from_memory=False` skips this process's copy of recent versions and asks the database (version checks).
    """

    live: bool = False
    max_age_seconds: float | None = None
    from_memory: bool = True


class SourceService:
    """A provider, the shared store and the write queue, for one source."""

    def __init__(
        self, source: str, provider: Provider, store: LocalStore, write_queue: WriteQueue, settings: FhirSettings
    ) -> None:
        self.source = source
        self.provider = provider
        self.store = store
        self.write_queue = write_queue
        self.settings = settings

    def capability(self, resource_type: str, interaction: Interaction) -> ResourceCapability:
        """The type's capability if `interaction` is supported: 404 for a type not served, 405 for the rest."""
        capability = self.provider.capabilities.resource(resource_type)
        if capability is None:
            raise FhirError(
                404, IssueCode.NOT_SUPPORTED, f"resource type {resource_type!r} is not served by this source"
            )
        if not capability.supports(interaction):
            raise FhirError(
                405,
                IssueCode.NOT_SUPPORTED,
                f"{interaction.value} is not supported for {resource_type} by this source",
                headers={"Allow": ", ".join(self.allowed_methods(capability))},
            )
        return capability

    @staticmethod
    def allowed_methods(capability: ResourceCapability) -> list[str]:
        methods = []
        if capability.supports(Interaction.READ) or capability.supports(Interaction.SEARCH):
            methods.append("GET")
        if capability.supports(Interaction.CREATE) or capability.supports(Interaction.SEARCH):
            methods.append("POST")
        if capability.supports(Interaction.UPDATE):
            methods.append("PUT")
        return methods

    def _is_fresh(self, stored: StoredResource, freshness: Freshness) -> bool:
        if freshness.live:
            return False
        max_age = self.settings.store.max_age_for(stored.resource_type)
        if freshness.max_age_seconds is not None:
            max_age = min(max_age, freshness.max_age_seconds)
        return (datetime.now(UTC) - stored.last_updated).total_seconds() <= max_age

    async def read(self, resource_type: str, logical_id: str, freshness: Freshness) -> StoredResource:
        """The current version: from the store when fresh enough, else read live by the bot and stored."""
        stored = self.store.recent(self.source, resource_type, logical_id) if freshness.from_memory else None
        if stored is None or not self._is_fresh(stored, freshness):
            stored = await self.store.get(self.source, resource_type, logical_id)
        if stored is not None and self._is_fresh(stored, freshness):
            return stored
        legacy_key = stored.legacy_key if stored is not None else logical_id
        record = await self.provider.read(resource_type, legacy_key)
        return await self.store.save(self.source, record)

    async def vread(self, resource_type: str, logical_id: str, version: str) -> StoredResource:
        if not version.isdigit():
            raise FhirError(404, IssueCode.NOT_FOUND, f"{resource_type}/{logical_id} has no version {version!r}")
        stored = await self.store.get_version(self.source, resource_type, logical_id, int(version))
        if stored is None:
            raise FhirError(404, IssueCode.NOT_FOUND, f"{resource_type}/{logical_id} has no version {version}")
        return stored

    async def history(self, resource_type: str, logical_id: str) -> list[StoredResource]:
        """The versions the store holds, newest first; a resource never seen is read first (or 404s)."""
        versions = await self.store.history(self.source, resource_type, logical_id)
        if not versions:
            await self.read(resource_type, logical_id, Freshness())
            versions = await self.store.history(self.source, resource_type, logical_id)
        return versions

    async def save(self, records: Sequence[ProvidedResource]) -> list[StoredResource]:
        return await self.store.save_many(self.source, records)

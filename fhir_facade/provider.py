"""The contract between the FHIR facade and whatever answers for one source: the Provider protocol.

One provider per source (a legacy EHR driven by bots, or the in-memory reference provider). The facade owns
HTTP, auth, validation, the local store, paging and post-filtering; a provider only says what it can do
(`capabilities`) and does it. Providers work in legacy keys; `logical_id_for` turns a legacy key into the stable
FHIR id every reference uses, so the same record always has the same id whoever produced it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from fhir_facade.search.params import SearchParam, SortKey

JsonObject = dict[str, Any]

_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def logical_id_for(legacy_key: str) -> str:
    """The FHIR id of a legacy record: the key itself when it is a valid id, else a stable digest of it."""
    if _FHIR_ID.match(legacy_key):
        return legacy_key
    return "k-" + hashlib.sha256(legacy_key.encode()).hexdigest()[:40]


class Interaction(StrEnum):
    """The FHIR RESTful interactions a provider may support (codes as in CapabilityStatement)."""

    READ = "read"
    VREAD = "vread"
    SEARCH = "search-type"
    CREATE = "create"
    UPDATE = "update"


@dataclass(frozen=True)
class SearchParamSupport:
    """One search parameter a source understands.

    `pushdown`: the legacy search screen filters by it itself (else the facade filters the results).
    `narrows`: giving it limits the legacy search to a small result set; a search with no narrowing
    parameter pushed down would make the bot read the whole EHR and is refused.
    """

    name: str
    pushdown: bool = False
    narrows: bool = False


@dataclass(frozen=True)
class ResourceCapability:
    """What a source can do with one resource type."""

    resource_type: str
    interactions: frozenset[Interaction]
    search_params: tuple[SearchParamSupport, ...] = ()
    sortable: frozenset[str] = frozenset()
    unbounded_search: bool = False
    conditional_create: bool = False
    legacy_page_size: int = 20

    def search_param(self, name: str) -> SearchParamSupport | None:
        return next((param for param in self.search_params if param.name == name), None)

    def supports(self, interaction: Interaction) -> bool:
        return interaction in self.interactions


@dataclass(frozen=True)
class SourceCapabilities:
    """Everything a source can do; the CapabilityStatement is generated from this and nothing else."""

    source: str
    title: str
    resources: Mapping[str, ResourceCapability]
    software_name: str = "RetroFHIR"

    def resource(self, resource_type: str) -> ResourceCapability | None:
        return self.resources.get(resource_type)


@dataclass(frozen=True)
class ProvidedResource:
    """A resource as the source produced it, with the legacy key it came from and when it was seen."""

    resource: JsonObject
    legacy_key: str
    seen_at: datetime

    @property
    def resource_type(self) -> str:
        return str(self.resource["resourceType"])

    @property
    def logical_id(self) -> str:
        return str(self.resource["id"])


@dataclass(frozen=True)
class ProviderPage:
    """One legacy result page: the records, the opaque cursor of the next legacy page, the total if known."""

    records: Sequence[ProvidedResource]
    next_cursor: str | None = None
    total: int | None = None


@dataclass(frozen=True)
class ProviderSearch:
    """What the facade asks a provider's legacy search: only parameters it declared `pushdown` for."""

    resource_type: str
    params: tuple[SearchParam, ...] = ()
    sort: tuple[SortKey, ...] = ()
    cursor: str | None = None
    count: int = 20


@runtime_checkable
class Provider(Protocol):
    """A source of FHIR resources. Failures raise `bots.errors` classes; the facade maps them to HTTP.

    - `read` raises `RecordNotFound` for an unknown key.
    - `search` applies every parameter of `query.params` (they are all pushdown-capable) and returns one
      legacy page; the facade pages with `next_cursor` and post-filters what was not pushed down.
    - `create` and `update` run the write (check-before-write, submit, verify-after-write) and return the
      record as read back; they are called by the WriteQueue, never directly by routes.
    """

    @property
    def capabilities(self) -> SourceCapabilities: ...

    async def read(self, resource_type: str, legacy_key: str) -> ProvidedResource: ...

    async def search(self, query: ProviderSearch) -> ProviderPage: ...

    async def create(self, resource: JsonObject) -> ProvidedResource: ...

    async def update(self, legacy_key: str, resource: JsonObject) -> ProvidedResource: ...

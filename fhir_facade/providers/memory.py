"""The in-memory reference provider: realistic R4 data from the practice generator, a simulated legacy search.

Tests and the demo use it the way Medplum's tests use MemoryRepository. Its capabilities play a typical legacy
EHR: a patient search screen that takes last name, first name, birth date or MRN and pages 10 rows at a time;
clinical lists reachable only from a patient chart. It records the searches it ran (`searches`) and for whom
(`callers`), holds writes at a gate (`write_gate`) and raises queued failures (`fail_next`) so facade behaviour
can be tested.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import anyio

from bots.errors import BotError, RecordNotFound
from fhir_facade.caller import Caller, current_caller
from fhir_facade.provider import (
    Interaction,
    JsonObject,
    ProvidedResource,
    ProviderPage,
    ProviderSearch,
    ResourceCapability,
    SearchParamSupport,
    SourceCapabilities,
    logical_id_for,
)
from fhir_facade.providers import clinical_fhir
from fhir_facade.search.definitions import search_param_definition
from fhir_facade.search.matching import matches, sort_value
from practice_ehrs.clinical_data import schema_sql
from practice_ehrs.clinical_data.generator import DEFAULT_PATIENT_COUNT, DEFAULT_SEED, populate

_ALL = frozenset(Interaction)
_READ_SEARCH = frozenset({Interaction.READ, Interaction.VREAD, Interaction.SEARCH})


def _push(name: str, narrows: bool = False) -> SearchParamSupport:
    return SearchParamSupport(name, pushdown=True, narrows=narrows)


def _post(*names: str) -> tuple[SearchParamSupport, ...]:
    return tuple(SearchParamSupport(name) for name in names)


_BY_PATIENT = (_push("patient", narrows=True), _push("subject", narrows=True), _push("_id", narrows=True))


def legacy_profile(source: str = "memory", title: str = "In-memory practice EHR") -> SourceCapabilities:
    """What a typical legacy EHR's screens allow, as capabilities."""
    resources = (
        ResourceCapability(
            "Patient",
            _ALL,
            (
                _push("_id", narrows=True),
                _push("identifier", narrows=True),
                _push("family", narrows=True),
                _push("birthdate", narrows=True),
                _push("given"),
                *_post("name", "gender", "phone", "address", "address-city", "address-state", "address-postalcode"),
                *_post("_lastUpdated"),
            ),
            sortable=frozenset({"family", "given", "birthdate"}),
            conditional_create=True,
            legacy_page_size=10,
        ),
        ResourceCapability(
            "Observation",
            frozenset({*_READ_SEARCH, Interaction.CREATE}),
            (*_BY_PATIENT, _push("category"), *_post("code", "date", "status")),
            sortable=frozenset({"date", "code"}),
            conditional_create=True,
            legacy_page_size=10,
        ),
        ResourceCapability(
            "Condition",
            _READ_SEARCH,
            (*_BY_PATIENT, *_post("code", "clinical-status", "category", "onset-date", "recorded-date")),
            sortable=frozenset({"onset-date", "recorded-date"}),
        ),
        ResourceCapability(
            "Encounter",
            _READ_SEARCH,
            (*_BY_PATIENT, *_post("status", "type", "date", "reason-code")),
            frozenset({"date"}),
        ),
        ResourceCapability(
            "AllergyIntolerance",
            _READ_SEARCH,
            (
                _push("patient", narrows=True),
                _push("_id", narrows=True),
                *_post("clinical-status", "criticality", "code", "date"),
            ),
        ),
        ResourceCapability(
            "MedicationStatement",
            frozenset({Interaction.READ, Interaction.SEARCH}),
            (*_BY_PATIENT, *_post("status", "code", "effective")),
        ),
    )
    return SourceCapabilities(source, title, {resource.resource_type: resource for resource in resources})


_ROW_MAPPERS: tuple[tuple[str, Callable[[Mapping[str, Any]], Iterable[JsonObject]]], ...] = (
    ("patients", lambda row: [clinical_fhir.patient(row)]),
    ("visits", lambda row: [clinical_fhir.encounter(row)]),
    ("problems", lambda row: [clinical_fhir.condition(row)]),
    ("allergies", lambda row: [clinical_fhir.allergy(row)]),
    ("medications", lambda row: [clinical_fhir.medication(row)]),
    ("vitals", clinical_fhir.vital_signs),
    ("labs", lambda row: [clinical_fhir.lab(row)]),
)


def practice_resources(seed: int = DEFAULT_SEED, patient_count: int = DEFAULT_PATIENT_COUNT) -> list[JsonObject]:
    """Every record of a freshly generated practice database, as FHIR resources."""
    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    try:
        db.executescript(schema_sql())
        populate(db, seed=seed, patient_count=patient_count)
        return [
            resource
            for table, mapper in _ROW_MAPPERS
            for row in db.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - table names are constants
            for resource in mapper(row)
        ]
    finally:
        db.close()


class MemoryProvider:
    """A Provider over resources held in memory; legacy keys equal logical ids."""

    def __init__(self, resources: Iterable[JsonObject], capabilities: SourceCapabilities | None = None) -> None:
        self._capabilities = capabilities or legacy_profile()
        self._records: dict[str, dict[str, JsonObject]] = defaultdict(dict)
        self._by_patient: dict[tuple[str, str], list[str]] = defaultdict(list)
        for resource in resources:
            self._add(resource)
        self._next_key = 1 + sum(len(records) for records in self._records.values())
        self._failures: dict[str, deque[BotError]] = defaultdict(deque)
        self.searches: list[ProviderSearch] = []
        self.callers: list[Caller | None] = []
        self.write_gate = threading.Event()
        self.write_gate.set()

    def _add(self, resource: JsonObject) -> None:
        resource_type, logical_id = resource["resourceType"], resource["id"]
        if logical_id not in self._records[resource_type]:
            patient = resource.get("subject") or resource.get("patient") or {}
            reference = patient.get("reference", "") if isinstance(patient, dict) else ""
            if reference.startswith("Patient/"):
                self._by_patient[(resource_type, reference.removeprefix("Patient/"))].append(logical_id)
        self._records[resource_type][logical_id] = resource

    def _candidates(self, query: ProviderSearch) -> list[JsonObject]:
        # The legacy chart opens one patient's lists directly: no need to look at anybody else's records.
        records = self._records.get(query.resource_type, {})
        for param in query.params:
            if param.name in ("patient", "subject") and len(param.values) == 1:
                patient_id = param.values[0].rpartition("/")[2]
                return [records[key] for key in self._by_patient.get((query.resource_type, patient_id), [])]
        return list(records.values())

    @property
    def capabilities(self) -> SourceCapabilities:
        return self._capabilities

    def fail_next(self, operation: str, error: BotError) -> None:
        """Make the next `operation` (read, search, create, update) raise `error`, as a failing bot would."""
        self._failures[operation].append(error)

    def _maybe_fail(self, operation: str) -> None:
        self.callers.append(current_caller())
        if self._failures[operation]:
            raise self._failures[operation].popleft()

    def _provided(self, resource: JsonObject) -> ProvidedResource:
        return ProvidedResource(dict(resource), resource["id"], datetime.now(UTC))

    async def read(self, resource_type: str, legacy_key: str) -> ProvidedResource:
        self._maybe_fail("read")
        resource = self._records.get(resource_type, {}).get(legacy_key)
        if resource is None:
            raise RecordNotFound(f"no {resource_type} with this key", screen="memory")
        return self._provided(resource)

    async def search(self, query: ProviderSearch) -> ProviderPage:
        self._maybe_fail("search")
        self.searches.append(query)
        capability = self._capabilities.resources[query.resource_type]
        found = self._candidates(query)
        for param in query.params:
            definition = search_param_definition(query.resource_type, param.name)
            if definition is None:
                raise BotError(f"the legacy search has no field for {param.name}")
            found = [resource for resource in found if matches(resource, definition, param)]
        for key in reversed(query.sort):
            definition = search_param_definition(query.resource_type, key.name)
            if definition is not None:
                found.sort(key=lambda resource, d=definition: sort_value(resource, d), reverse=key.descending)  # type: ignore[misc]
        offset = int(query.cursor or 0)
        size = capability.legacy_page_size
        page = found[offset : offset + size]
        following = str(offset + size) if offset + size < len(found) else None
        return ProviderPage([self._provided(resource) for resource in page], following, len(found))

    async def _through_gate(self) -> None:
        if not self.write_gate.is_set():
            await anyio.to_thread.run_sync(self.write_gate.wait)

    async def create(self, resource: JsonObject) -> ProvidedResource:
        await self._through_gate()
        self._maybe_fail("create")
        legacy_key = f"new-{self._next_key}"
        self._next_key += 1
        stored = {**resource, "id": logical_id_for(legacy_key)}
        self._add(stored)
        return self._provided(stored)

    async def update(self, legacy_key: str, resource: JsonObject) -> ProvidedResource:
        await self._through_gate()
        self._maybe_fail("update")
        records = self._records[resource["resourceType"]]
        if legacy_key not in records:
            raise RecordNotFound(f"no {resource['resourceType']} with this key", screen="memory")
        self._add({**resource, "id": logical_id_for(legacy_key)})
        return self._provided(records[legacy_key])

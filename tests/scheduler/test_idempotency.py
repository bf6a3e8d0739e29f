"""Idempotency keys: which basis is used and what counts as the same write."""

from __future__ import annotations

from scheduler import idempotency_key
from tests.scheduler.conftest import observation


def test_if_none_exist_wins_and_ignores_parameter_order() -> None:
    one = idempotency_key("Patient.create", {"resourceType": "Patient"}, "identifier=urn:mrn|1&birthdate=1960-01-01")
    two = idempotency_key("Patient.create", {"resourceType": "Patient"}, "?birthdate=1960-01-01&identifier=urn:mrn|1")
    assert one.basis == "if-none-exist"
    assert one == two


def test_a_create_with_an_identifier_is_keyed_by_it_whatever_else_differs() -> None:
    first = idempotency_key("Observation.create", observation("obs-1", value=98.6))
    second = idempotency_key("Observation.create", observation("obs-1", value=99.1))
    assert first.basis == "identifier"
    assert first == second
    assert first != idempotency_key("Observation.create", observation("obs-2"))


def test_without_an_identifier_the_canonical_content_decides() -> None:
    resource = {"resourceType": "Observation", "status": "final", "valueQuantity": {"value": 1, "unit": "kg"}}
    reordered = {"valueQuantity": {"unit": "kg", "value": 1}, "status": "final", "resourceType": "Observation"}
    with_meta = {**resource, "meta": {"lastUpdated": "2026-01-01T00:00:00Z"}}
    key = idempotency_key("Observation.create", resource)
    assert key.basis == "content"
    assert key == idempotency_key("Observation.create", reordered) == idempotency_key("Observation.create", with_meta)
    assert key != idempotency_key("Observation.create", {**resource, "status": "amended"})


def test_updates_are_keyed_by_content_so_different_changes_are_different_writes() -> None:
    before = {**observation("obs-1", value=98.6), "id": "17"}
    after = {**observation("obs-1", value=99.1), "id": "17"}
    assert idempotency_key("Observation.update", before).basis == "content"
    assert idempotency_key("Observation.update", before) != idempotency_key("Observation.update", after)


def test_keys_do_not_reveal_the_identifier() -> None:
    key = idempotency_key("Patient.create", {"resourceType": "Patient", "identifier": [{"value": "MRN-000123"}]})
    assert "000123" not in key.digest
    assert len(key.digest) == 64

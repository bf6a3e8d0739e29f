"""SMART v2 (and v1) scope parsing, granting against a client's registration, and checks per interaction."""

from __future__ import annotations

from fhir_facade.auth.scopes import ScopeSet, grant_scopes, parse_scope
from fhir_facade.provider import Interaction


def test_parse_v2_and_v1_scopes() -> None:
    scope = parse_scope("system/Patient.rs")
    assert scope is not None
    assert scope.permissions == frozenset("rs")
    assert parse_scope("system/*.cruds") is not None
    v1 = parse_scope("system/Observation.read")
    assert v1 is not None
    assert v1.permissions == frozenset("rs")
    assert parse_scope("system/Patient.sr") is None, "v2 letters come in c-r-u-d-s order"
    assert parse_scope("system/Patient.rr") is None
    assert parse_scope("auditor") is None


def test_grant_only_what_the_registration_covers() -> None:
    allowed = ["system/Patient.rs", "system/Observation.cruds", "auditor"]
    requested = ["system/Patient.r", "system/Patient.cud", "system/Observation.c", "system/*.r", "auditor", "admin"]
    assert grant_scopes(requested, allowed) == ["system/Patient.r", "system/Observation.c", "auditor"]
    assert grant_scopes(["user/Patient.r"], ["system/*.cruds"]) == []


def test_scope_set_checks_interactions_and_roles() -> None:
    scopes = ScopeSet.from_string("system/Patient.rs system/*.c auditor")
    assert scopes.allows_interaction("Patient", Interaction.READ)
    assert scopes.allows_interaction("Patient", Interaction.SEARCH)
    assert not scopes.allows_interaction("Patient", Interaction.UPDATE)
    assert scopes.allows_interaction("Condition", Interaction.CREATE)
    assert not scopes.allows_interaction("Condition", Interaction.VREAD)
    assert scopes.has_role("auditor")
    assert not scopes.has_role("operator")

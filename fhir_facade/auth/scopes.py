"""SMART App Launch v2 scopes: parsing (`system/Patient.rs`, v1 `system/*.read`), granting and checking.

Role scopes (a bare word such as `auditor`) are kept as they are and checked by name, for consoles that need a
role rather than access to a resource type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from fhir_facade.provider import Interaction

PERMISSION_ORDER = "cruds"
_V1_PERMISSIONS = {"read": "rs", "write": "cud", "*": "cruds"}
_SCOPE = re.compile(r"^(?P<context>system|user|patient)/(?P<type>\*|[A-Z][A-Za-z]+)\.(?P<permissions>[a-z*]+)$")
_ROLE = re.compile(r"^[a-z][a-z0-9_\-]*$")

INTERACTION_PERMISSION = {
    Interaction.READ: "r",
    Interaction.VREAD: "r",
    Interaction.SEARCH: "s",
    Interaction.CREATE: "c",
    Interaction.UPDATE: "u",
}


@dataclass(frozen=True)
class SmartScope:
    """One resource scope: context (system for backend services), resource type or `*`, permission letters."""

    context: str
    resource_type: str
    permissions: frozenset[str]

    def covers(self, other: SmartScope) -> bool:
        same_type = self.resource_type in ("*", other.resource_type)
        return self.context == other.context and same_type and other.permissions <= self.permissions


def parse_scope(text: str) -> SmartScope | None:
    """A SMART resource scope, or None when `text` is not one (a role, or a malformed scope)."""
    match = _SCOPE.match(text)
    if match is None:
        return None
    raw = match["permissions"]
    if raw in _V1_PERMISSIONS:
        letters = _V1_PERMISSIONS[raw]
    elif (
        raw
        and all(letter in PERMISSION_ORDER for letter in raw)
        and "".join(sorted(raw, key=PERMISSION_ORDER.index)) == raw
        and len(set(raw)) == len(raw)
    ):
        letters = raw
    else:
        return None
    return SmartScope(match["context"], match["type"], frozenset(letters))


def is_role(text: str) -> bool:
    return _ROLE.match(text) is not None


def grant_scopes(requested: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The requested scopes a client may have: resource scopes its registration covers, roles it lists."""
    allowed_list = list(allowed)
    allowed_smart = [scope for scope in (parse_scope(text) for text in allowed_list) if scope is not None]
    granted = []
    for text in requested:
        scope = parse_scope(text)
        covered = (
            scope is not None and scope.context == "system" and any(grant.covers(scope) for grant in allowed_smart)
        )
        if covered or (scope is None and is_role(text) and text in allowed_list):
            granted.append(text)
    return granted


@lru_cache(maxsize=4096)
def _scopes_allow(scopes: tuple[str, ...], resource_type: str, permission: str) -> bool:
    # Every request asks this of the same few scope sets: parse and decide once per combination.
    wanted = SmartScope("system", resource_type, frozenset(permission))
    return any(scope is not None and scope.covers(wanted) for scope in map(parse_scope, scopes))


@dataclass(frozen=True)
class ScopeSet:
    """The scopes an access token carries."""

    scopes: tuple[str, ...]

    @classmethod
    def from_string(cls, text: str) -> ScopeSet:
        return cls(tuple(text.split()))

    def allows(self, resource_type: str, permission: str) -> bool:
        return _scopes_allow(self.scopes, resource_type, permission)

    def allows_interaction(self, resource_type: str, interaction: Interaction) -> bool:
        return self.allows(resource_type, INTERACTION_PERMISSION[interaction])

    def has_role(self, role: str) -> bool:
        return role in self.scopes

    def __str__(self) -> str:
        return " ".join(self.scopes)

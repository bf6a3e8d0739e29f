"""Idempotency keys for writes: from If-None-Exist, else the resource's identifier, else a canonical content hash.

Keys are SHA-256 digests of their basis, so identifiers (which may be PHI) never appear in listings or logs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

# Server-assigned or bookkeeping elements: two submissions differing only in these are the same write.
_IGNORED_ELEMENTS = frozenset({"meta", "text"})


@dataclass(frozen=True)
class IdempotencyKey:
    basis: str  # "if-none-exist" | "identifier" | "content"
    digest: str


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def canonical_json(resource: dict[str, Any]) -> str:
    """The resource as sorted, compact JSON without the elements that do not change what is written."""
    kept = {name: value for name, value in resource.items() if name not in _IGNORED_ELEMENTS}
    return json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _normalised_query(if_none_exist: str) -> str:
    return urlencode(sorted(parse_qsl(if_none_exist.lstrip("?"), keep_blank_values=True)))


def _first_identifier(resource: dict[str, Any]) -> tuple[str, str] | None:
    identifiers = resource.get("identifier")
    if not isinstance(identifiers, list):
        return None
    for identifier in identifiers:
        if isinstance(identifier, dict) and identifier.get("value"):
            return str(identifier.get("system", "")), str(identifier["value"])
    return None


def idempotency_key(interaction: str, resource: dict[str, Any], if_none_exist: str | None = None) -> IdempotencyKey:
    """The key under which a duplicate submission of the same write finds the first one.

    Creates use If-None-Exist, then the first identifier; anything else (and every update, whose identifier
    stays the same across different changes) uses the canonical content, which includes the target `id`.
    The queue chains an update's key to the write before it (`scheduler.update_targets`).
    """
    resource_type = str(resource.get("resourceType", ""))
    is_create = interaction.endswith(".create")
    if is_create and if_none_exist:
        return IdempotencyKey("if-none-exist", _digest(resource_type, _normalised_query(if_none_exist)))
    identifier = _first_identifier(resource) if is_create else None
    if identifier is not None:
        return IdempotencyKey("identifier", _digest(resource_type, *identifier))
    return IdempotencyKey("content", _digest(interaction, canonical_json(resource)))

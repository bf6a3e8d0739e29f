"""Who a provider call is for: the authenticated client and what it asked, for the bots' audit trail.

The auth dependency sets it for each request; a bot-backed provider reads `current_caller()` to fill
`bots.observer.RunInfo` (client_id, scopes, request_summary) without the Provider protocol carrying it.
Writes run in tasks created during the request, which copy the context, so they see the same caller.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    """The client behind the current request; `request_summary` is method and route, never query values."""

    client_id: str
    scopes: tuple[str, ...]
    token_id: str
    request_summary: str


_current: ContextVar[Caller | None] = ContextVar("retrofhir_caller", default=None)


def current_caller() -> Caller | None:
    """The caller of the request being served, None outside a request (syncs, health checks)."""
    return _current.get()


def set_caller(caller: Caller) -> None:
    _current.set(caller)

"""Fault knobs of the practice web EHR (latency, 500s, seats, UI version, maintenance notice), with validation.

Knobs are set at start (environment variables `LEGACY_WEB_<KNOB>` or CLI options) and changed at run time
through the admin endpoints. A `Knobs` value is immutable; `KnobBoard` holds the current one for the server.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

ENVIRONMENT_PREFIX = "LEGACY_WEB_"


class KnobError(ValueError):
    """A knob name or value the server does not accept."""


@dataclass(frozen=True)
class Knobs:
    """Every fault knob with its default: a healthy server running UI version 1."""

    latency_ms: int = 0
    failure_rate: float = 0.0
    idle_timeout_s: float = 900.0
    seat_limit: int = 3
    ui_version: int = 1
    maintenance_notice: float = 0.0  # chance per chart page that the once-per-session notice shows instead
    maintenance_notice_at_login: int = 0  # 1: the notice's chance is taken on the page login lands on instead

    def __post_init__(self) -> None:
        if self.latency_ms < 0 or self.latency_ms > 60_000:
            raise KnobError("latency_ms must be between 0 and 60000")
        if not 0.0 <= self.failure_rate <= 1.0:
            raise KnobError("failure_rate must be between 0 and 1")
        if self.idle_timeout_s < 0:
            raise KnobError("idle_timeout_s must not be negative")
        if self.seat_limit < 1:
            raise KnobError("seat_limit must be at least 1")
        if self.ui_version not in (1, 2):
            raise KnobError("ui_version must be 1 or 2")
        if not 0.0 <= self.maintenance_notice <= 1.0:
            raise KnobError("maintenance_notice must be between 0 and 1")
        if self.maintenance_notice_at_login not in (0, 1):
            raise KnobError("maintenance_notice_at_login must be 0 or 1")

    def updated(self, changes: Mapping[str, Any]) -> Knobs:
        """A copy with `changes` applied; values may be strings (from forms or the environment)."""
        types = {knob.name: knob.type for knob in fields(self)}
        converted: dict[str, Any] = {}
        for name, raw in changes.items():
            if name not in types:
                raise KnobError(f"unknown knob {name!r}")
            converter = {"int": int, "float": float}[str(types[name])]
            try:
                converted[name] = converter(raw)
            except (TypeError, ValueError) as error:
                raise KnobError(f"{name} must be a number") from error
        return replace(self, **converted)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def knobs_from_environment(environment: Mapping[str, str] | None = None) -> Knobs:
    """Defaults overridden by `LEGACY_WEB_LATENCY_MS`, `LEGACY_WEB_UI_VERSION`, ... where set."""
    environment = os.environ if environment is None else environment
    changes = {
        knob.name: environment[ENVIRONMENT_PREFIX + knob.name.upper()]
        for knob in fields(Knobs)
        if ENVIRONMENT_PREFIX + knob.name.upper() in environment
    }
    return Knobs().updated(changes)


class KnobBoard:
    """The server's current knobs, swapped whole so that a request never sees half an update."""

    def __init__(self, start: Knobs) -> None:
        self._start = start
        self._current = start
        self._lock = threading.Lock()

    @property
    def current(self) -> Knobs:
        return self._current

    def update(self, changes: Mapping[str, Any]) -> Knobs:
        with self._lock:
            self._current = self._current.updated(changes)
            return self._current

    def restore(self) -> Knobs:
        """Back to the values the server started with."""
        with self._lock:
            self._current = self._start
            return self._current

"""The hook through which a bot run reports each step it takes, so an audit trail can keep it.

The engine calls a `RunObserver`; `audit/` implements one that stores annotated, encrypted screenshots in a
hash chain. `NullObserver` keeps nothing, for bot authors' dry runs; `StepCollector` keeps the steps in memory.
Values of secret fields arrive masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bots.errors import ErrorSummary


class RunKind(StrEnum):
    FHIR = "fhir"
    SYNC = "sync"
    HEALTH_CHECK = "health-check"
    AUTHORING = "authoring"
    FACADE = "facade"  # answered by the facade itself (from its local store, or refused): no bot ran, no steps


class StepOutcome(StrEnum):
    OK = "ok"
    DRIFT = "drift"  # it worked, but only through a fallback locator
    FAILED = "failed"


@dataclass(frozen=True)
class Box:
    """A rectangle in screenshot pixels: the element a step read or acted on."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class RunInfo:
    """What a run is for: the request that caused it, so an auditor can tie screenshots to an API call."""

    run_id: str
    source: str
    interaction: str
    kind: RunKind = RunKind.FHIR
    resource_type: str | None = None
    resource_id: str | None = None
    patient_id: str | None = None
    client_id: str | None = None
    scopes: tuple[str, ...] = ()
    job_id: str | None = None
    request_summary: str | None = None


@dataclass(frozen=True)
class StepRecord:
    """One thing a bot did: where, how the element was found, what it read or typed, and what it saw."""

    run_id: str
    index: int
    action: str
    started_at: datetime
    duration_ms: float
    outcome: StepOutcome
    screen: str | None = None
    field_name: str | None = None
    locator_kind: str | None = None
    locator_rank: int | None = None
    locator_description: str | None = None
    box: Box | None = None
    value: str | None = None
    value_masked: bool = False
    ocr_confidence: float | None = None
    error: ErrorSummary | None = None
    screenshot_png: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RunResult:
    """How a run ended."""

    run_id: str
    succeeded: bool
    finished_at: datetime
    error: ErrorSummary | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    response_summary: str | None = None


class RunObserver(Protocol):
    """Receives a run's start, every step, and its end. Implementations must not raise into the bot."""

    async def run_started(self, run: RunInfo) -> None: ...

    async def step(self, record: StepRecord) -> None: ...

    async def run_finished(self, result: RunResult) -> None: ...


class NullObserver:
    """An observer that keeps nothing: for dry runs where no audit trail is wanted."""

    async def run_started(self, run: RunInfo) -> None:
        return None

    async def step(self, record: StepRecord) -> None:
        return None

    async def run_finished(self, result: RunResult) -> None:
        return None


class StepCollector:
    """An observer that keeps every step it is told of, in order (a parallel row's steps, tests)."""

    def __init__(self) -> None:
        self.steps: list[StepRecord] = []

    async def run_started(self, run: RunInfo) -> None:
        return None

    async def step(self, record: StepRecord) -> None:
        self.steps.append(record)

    async def run_finished(self, result: RunResult) -> None:
        return None

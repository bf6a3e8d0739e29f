"""The seam between the write queue and whatever performs a write against a legacy source.

A worker calls a `WriteExecutor` for one attempt of one write:

1. `find_existing(request)`: check-before-write. Returns the record if the legacy system already has it,
   None if it authoritatively does not, raises `bots.errors.WriteOutcomeUnknown` if it cannot decide, or any
   other `BotError` (its `transient` flag decides whether the attempt is retried).
2. `write(request, gate)`: fill the form, `await gate.before_submit()` immediately before the irreversible
   action (pressing Save), submit, then read back and compare (verify-after-write). Returns the verified
   resource and its legacy key.

How `write` reports failure:
- before `gate.before_submit()`: any `BotError`; transient ones are retried with backoff, the rest fail the write;
- after it: `WriteOutcomeUnknown` when the run died or the read-back cannot decide (the write goes to human
  review, never a blind retry), `WriteNotVerified` when the read-back disagrees (failed), `LegacyValidationError`
  when the legacy UI refused the input (failed). Anything else raised after submit is treated as undecided: the
  worker runs `find_existing` once more and marks the write succeeded if found, `unknown` otherwise.
`before_submit()` raises `LeaseLost` if another worker has taken the write over; the executor must let it propagate.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from scheduler.settings import SchedulerSettings


@dataclass(frozen=True)
class WriteRequest:
    """One attempt at one queued write, as the executor sees it."""

    write_id: str
    source: str
    interaction: str  # "Observation.create", "Patient.update", ...
    resource: dict[str, Any]
    attempt: int
    if_none_exist: str | None = None
    patient_key: str | None = None


@dataclass(frozen=True)
class ExistingRecord:
    """A record the legacy system already holds: found by check-before-write or a recovery read-back."""

    legacy_key: str
    resource: dict[str, Any]


@dataclass(frozen=True)
class VerifiedWrite:
    """A write that was submitted and read back field by field."""

    legacy_key: str
    resource: dict[str, Any]


class LeaseLost(Exception):
    """This worker no longer owns the write (it stalled past its lease); it must not submit."""


class SubmitGate(Protocol):
    async def before_submit(self) -> None:
        """Persist that the write is about to be submitted; raises `LeaseLost` if the write was taken over."""


class WriteExecutor(Protocol):
    async def find_existing(self, request: WriteRequest) -> ExistingRecord | None: ...

    async def write(self, request: WriteRequest, gate: SubmitGate) -> VerifiedWrite: ...


class SyncSource(Protocol):
    """Reads a source's recently changed records (today's visits, a worklist...) into the local store."""

    async def sync(self) -> int:
        """Return how many records were refreshed."""


@dataclass(frozen=True)
class HealthReport:
    """What one canary run of a screen map's examples found; names only, never values."""

    examples_run: int
    drifted: tuple[str, ...] = ()  # screens/fields that matched only through a fallback locator
    failed: tuple[str, ...] = ()  # screens/fields/examples that did not match at all

    @property
    def state(self) -> str:
        if self.failed:
            return "failing"
        if self.drifted:
            return "drift"
        return "healthy"


class HealthCheck(Protocol):
    async def check(self) -> HealthReport: ...


class RetentionTarget(Protocol):
    """Something that keeps data with a retention period: the audit trail, the local store, the queue."""

    name: str

    async def purge(self, older_than_days: int) -> int:
        """Delete what is older than the given number of days; return how many items went."""


@dataclass
class WorkerComponents:
    """What a worker process runs, built by the configured `components_factory` (by source name)."""

    executors: Mapping[str, WriteExecutor] = field(default_factory=dict)
    sync_sources: Mapping[str, SyncSource] = field(default_factory=dict)
    health_checks: Mapping[str, HealthCheck] = field(default_factory=dict)
    retention_targets: list[RetentionTarget] = field(default_factory=list)
    # The scheduler section completed by the factory (defaults for the sources it found); None: use the file's.
    scheduler_settings: SchedulerSettings | None = None
    # What the factory opened (browsers, the audit writer): closed last-opened first when the worker stops.
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def aclose(self) -> None:
        """Close everything the factory opened, each even if an earlier one failed."""
        errors: list[Exception] = []
        for close in reversed(self.closers):
            try:
                await close()
            except Exception as error:
                errors.append(error)
        self.closers = []
        if errors:
            raise errors[0]

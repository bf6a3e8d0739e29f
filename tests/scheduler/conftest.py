"""Fixtures for the scheduler tests: a real SQLite queue, a legacy stand-in table, a controllable clock."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from scheduler import (
    LoggedAlerts,
    RetryPolicy,
    SchedulerSettings,
    SourceLimits,
    WriteExecutor,
    WriteQueue,
    WriteRecord,
    WriteRequest,
    WriteSubmission,
)
from scheduler.claims import WriteClaims
from scheduler.database import create_engine, create_schema
from scheduler.worker import WriteWorker
from tests.scheduler.processes import POSTGRES_BIN, postgres_server
from tests.scheduler.table_executor import TableExecutor, create_target


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Clock:
    """Time that moves only when a test says so, so backoff and leases are checked without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Faults:
    """Errors to raise at executor stages: `plan[(identifier, stage)]` is a list consumed one per call."""

    plan: dict[tuple[str, str], list[BaseException]] = field(default_factory=dict)
    seen: list[tuple[str, str]] = field(default_factory=list)

    def add(self, identifier: str, stage: str, *errors: BaseException) -> None:
        self.plan.setdefault((identifier, stage), []).extend(errors)

    def __call__(self, stage: str, request: WriteRequest) -> None:
        identifier = str(request.resource["identifier"][0]["value"])
        self.seen.append((identifier, stage))
        pending = self.plan.get((identifier, stage))
        if pending:
            raise pending.pop(0)


def observation(identifier: str, value: float = 98.6) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "identifier": [{"system": "urn:test", "value": identifier}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
        "valueQuantity": {"value": value, "unit": "degF"},
    }


def submission(identifier: str, patient: str | None = "patient-1", source: str = "legacy-test") -> WriteSubmission:
    return WriteSubmission(source, "Observation.create", observation(identifier), patient_key=patient)


@dataclass
class QueueBench:
    """A queue, its claims and a worker over a real SQLite file and a real legacy stand-in table."""

    engine: AsyncEngine
    queue: WriteQueue
    claims: WriteClaims
    clock: Clock
    faults: Faults
    executor: TableExecutor
    target: Path
    settings: SchedulerSettings
    alerted: list[WriteRecord]

    def worker(self, name: str = "worker-a", executor: WriteExecutor | None = None) -> WriteWorker:
        alerts = RecordingAlerts(self.alerted)
        return WriteWorker(
            self.queue,
            self.claims,
            {"legacy-test": executor or self.executor, "legacy-desktop": executor or self.executor},
            RetryPolicy.from_settings(self.settings.retry),
            timedelta(seconds=self.settings.lease_seconds),
            name,
            alerts,
            rng=random.Random(7),
        )

    async def submit(self, identifier: str, patient: str | None = "patient-1", source: str = "legacy-test") -> str:
        record, _ = await self.queue.submit(submission(identifier, patient, source))
        return record.id

    async def ready(self) -> list[str]:
        return await self.claims.take_dispatchable(100, timedelta(seconds=self.settings.redispatch_after_seconds))


class RecordingAlerts(LoggedAlerts):
    def __init__(self, alerted: list[WriteRecord]) -> None:
        self.alerted = alerted

    async def write_needs_review(self, record: WriteRecord) -> None:
        self.alerted.append(record)


async def open_bench(tmp_path: Path, queue_path: Path | None = None) -> QueueBench:
    """A bench whose queue lives at `queue_path` (default `<tmp_path>/queue.sqlite`); dispose its engine after."""
    settings = SchedulerSettings(
        lease_seconds=30,
        redispatch_after_seconds=60,
        sources={
            "legacy-test": SourceLimits(kind="web", seats=2),
            "legacy-desktop": SourceLimits(kind="desktop", display=99),
        },
    )
    settings.retry.max_attempts = 3
    engine = create_engine(f"sqlite+aiosqlite:///{queue_path or tmp_path / 'queue.sqlite'}")
    await create_schema(engine)
    clock = Clock()
    target = tmp_path / "legacy.sqlite"
    create_target(target)
    faults = Faults()
    return QueueBench(
        engine,
        WriteQueue(engine, settings, clock),
        WriteClaims(engine, clock),
        clock,
        faults,
        TableExecutor(target, faults),
        target,
        settings,
        [],
    )


@pytest.fixture
async def bench(tmp_path: Path) -> AsyncIterator[QueueBench]:
    opened = await open_bench(tmp_path)
    yield opened
    await opened.engine.dispose()


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A real PostgreSQL server for the whole session (skipped only if Debian's binaries are missing)."""
    if not (POSTGRES_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not found under {POSTGRES_BIN}")
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    name = f"retrofhir_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server_url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres_server_url.rsplit("/", 1)[0] + f"/{name}"

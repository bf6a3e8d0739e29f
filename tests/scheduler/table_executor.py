"""A WriteExecutor over a real SQLite table standing in for a legacy EHR, with faults injectable per stage.

Records are found by their FHIR identifier, as a legacy UI's search screen would. Worker processes started by
the tests load it through `components` (the `scheduler.components_factory`), configured by environment variables.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

from retrofhir.config import Settings
from scheduler import ExistingRecord, SubmitGate, VerifiedWrite, WorkerComponents, WriteRequest

Fault = Callable[[str, WriteRequest], None]

TARGET_ENV = "RETROFHIR_TEST_TARGET_DB"
JITTER_ENV = "RETROFHIR_TEST_STAGE_JITTER_SECONDS"


def create_target(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS legacy_records ("
            " id INTEGER PRIMARY KEY, identifier TEXT NOT NULL, patient TEXT, payload TEXT NOT NULL,"
            " written_by_pid INTEGER NOT NULL)"
        )


def target_counts(path: Path) -> dict[str, int]:
    """How many rows each identifier has in the target table (more than one is a duplicated write)."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT identifier, COUNT(*) FROM legacy_records GROUP BY identifier").fetchall()
    return dict(rows)


def identifier_of(resource: dict[str, Any]) -> str:
    return str(resource["identifier"][0]["value"])


class TableExecutor:
    """Inserts each resource as one row; `fault(stage, request)` may raise or stall at find/fill/submitted."""

    def __init__(self, path: Path, fault: Fault | None = None) -> None:
        self.path = path
        self.fault = fault

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None)

    def _stage(self, stage: str, request: WriteRequest) -> None:
        if self.fault is not None:
            self.fault(stage, request)

    def _find(self, request: WriteRequest) -> ExistingRecord | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT id, payload FROM legacy_records WHERE identifier = ? ORDER BY id LIMIT 1",
                (identifier_of(request.resource),),
            ).fetchone()
        return ExistingRecord(str(row[0]), json.loads(row[1])) if row is not None else None

    def _insert(self, request: WriteRequest) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO legacy_records (identifier, patient, payload, written_by_pid) VALUES (?, ?, ?, ?)",
                (identifier_of(request.resource), request.patient_key, json.dumps(request.resource), os.getpid()),
            )

    async def find_existing(self, request: WriteRequest) -> ExistingRecord | None:
        self._stage("find", request)
        return await anyio.to_thread.run_sync(self._find, request)

    async def write(self, request: WriteRequest, gate: SubmitGate) -> VerifiedWrite:
        self._stage("fill", request)
        await gate.before_submit()
        self._stage("submit", request)
        await anyio.to_thread.run_sync(self._insert, request)
        self._stage("submitted", request)
        found = await anyio.to_thread.run_sync(self._find, request)
        assert found is not None
        return VerifiedWrite(found.legacy_key, found.resource)


def _jitter(seconds: float) -> Fault:
    def stall(stage: str, request: WriteRequest) -> None:
        # A blocking stall on purpose: it widens the windows a SIGKILL from the test can land in.
        time.sleep(random.uniform(0, seconds))

    return stall


def components(settings: Settings) -> WorkerComponents:
    """The `components_factory` worker processes in the tests use."""
    jitter = float(os.environ.get(JITTER_ENV, "0"))
    executor = TableExecutor(Path(os.environ[TARGET_ENV]), _jitter(jitter) if jitter > 0 else None)
    sources = list(settings.scheduler.sources) or ["legacy-test"]
    return WorkerComponents(executors=dict.fromkeys(sources, executor))

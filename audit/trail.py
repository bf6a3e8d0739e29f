"""The audit trail: one object that writes runs, steps and views into the chain and its encrypted screenshots."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from audit import chain
from audit.blobstore import ScreenshotStore
from audit.chain import Appended, ChainEntry, RecordKind
from audit.keys import KeyRing
from audit.outcome import outcome_code
from audit.records import (
    ResponseRecord,
    RunStart,
    StepView,
    response_payload,
    result_payload,
    run_payload,
    step_payload,
    step_view,
)
from audit.schema import ChainRecord, Run, as_utc, open_engine, runs_table
from audit.settings import AuditSettings
from bots.observer import RunResult, StepOutcome, StepRecord

TrailItem = RunStart | StepRecord | RunResult | ResponseRecord


class AuditTrail:
    """Writes (usually through a TrailWriter) and reads the trail; every read meant for a person is recorded."""

    def __init__(self, engine: Engine, screenshots: ScreenshotStore) -> None:
        self.engine = engine
        self.screenshots = screenshots
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        with self.session() as session:
            chain.ensure_head(session)

    @classmethod
    def open(cls, settings: AuditSettings, data_dir: Path) -> AuditTrail:
        directory = settings.resolved_directory(data_dir)
        directory.mkdir(parents=True, exist_ok=True)
        keys = KeyRing.load(settings.resolved_key_file(data_dir), settings.key_env)
        engine = open_engine(settings.resolved_database_url(data_dir))
        return cls(engine, ScreenshotStore(directory / "screenshots", keys))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction, committed on success."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def write(self, items: Sequence[TrailItem]) -> list[Appended]:
        """Store screenshots, then append every item to the chain and the run index in one transaction."""
        entries: list[ChainEntry] = []
        # Steps of one screen share one picture (the same bytes object): hashed and filed once per batch.
        pictures: dict[int, tuple[str, bytes]] = {}
        for item in items:
            if isinstance(item, RunStart):
                entries.append(ChainEntry(RecordKind.RUN_STARTED, item.info.run_id, run_payload(item)))
            elif isinstance(item, StepRecord):
                digest = None if item.screenshot_png is None else self._file(item.screenshot_png, pictures)
                entries.append(ChainEntry(RecordKind.STEP, item.run_id, step_payload(item), digest))
            elif isinstance(item, ResponseRecord):
                entries.append(ChainEntry(RecordKind.RESPONSE, item.run_id, response_payload(item)))
            else:
                entries.append(ChainEntry(RecordKind.RUN_FINISHED, item.run_id, result_payload(item)))
        with self.session() as session:
            records = chain.append(session, entries)
            # Holding the chain head lock now: a purge deletes screenshot files only under it, so one deleted
            # after the put above (its last user purged meanwhile) is filed again before this commit.
            for digest, png in pictures.values():
                self.screenshots.put_hashed(digest, png)
            _index(session.connection(), items)
        return records

    def _file(self, png: bytes, pictures: dict[int, tuple[str, bytes]]) -> str:
        known = pictures.get(id(png))
        if known is None:
            known = pictures[id(png)] = (self.screenshots.put(png), png)
        return known[0]

    def link_written_resource(self, job_id: str, resource_type: str, resource_id: str) -> list[str]:
        """Tie the runs of write job `job_id` to the resource it wrote (known once the job resolves); the link is a
        chain record of its own. Returns the run ids linked, newest last."""
        with self.session() as session:
            runs = list(session.scalars(select(Run).where(Run.job_id == job_id).order_by(Run.started_at)))
            written = [
                run for run in runs if run.succeeded and run.interaction.rsplit(".", 1)[-1] in WRITE_INTERACTIONS
            ]
            if not written:
                return []
            payload = {"job_id": job_id, "resource": f"{resource_type}/{resource_id}"}
            chain.append(session, [ChainEntry(RecordKind.WRITE_LINKED, run.run_id, payload) for run in written])
            for run in written:
                run.written_resource_type, run.written_resource_id = resource_type, resource_id
            return [run.run_id for run in written]

    def record_response(self, run_id: str, status: int, body: dict[str, Any] | None) -> Appended:
        """Keep what the facade answered for a run (status and FHIR body), so an auditor can compare it with what
        the bot saw. A chain record of its own; retention purges its body like a step's detail."""
        return self.write([ResponseRecord(run_id, status, body)])[0]

    def response(self, run_id: str) -> tuple[int, dict[str, Any]] | None:
        """The last response recorded for a run (status, body), or None (none recorded, or purged)."""
        with self.session() as session:
            payload = session.scalars(
                select(ChainRecord.payload)
                .where(ChainRecord.run_id == run_id, ChainRecord.kind == RecordKind.RESPONSE)
                .order_by(ChainRecord.seq.desc())
                .limit(1)
            ).first()
        if payload is None:
            return None
        recorded = json.loads(payload)
        return int(recorded["status"]), recorded.get("body") or {}

    def record_view(self, viewer: str, run_ids: Sequence[str], via: str) -> Appended:
        """Record that `viewer` looked at `run_ids` (console page, export, FHIR query) in the chain itself."""
        run_key = run_ids[0] if len(run_ids) == 1 else "*"
        entry = ChainEntry(RecordKind.VIEW, run_key, {"viewer": viewer, "via": via, "run_ids": list(run_ids)})
        with self.session() as session:
            return chain.append(session, [entry])[0]

    def run(self, run_id: str) -> Run | None:
        with self.session() as session:
            return session.get(Run, run_id)

    def run_records(self, run_id: str) -> list[ChainRecord]:
        """The chain records of a run (start, steps, end, views) in chain order."""
        with self.session() as session:
            query = select(ChainRecord).where(ChainRecord.run_id == run_id).order_by(ChainRecord.seq)
            return list(session.scalars(query))

    def steps(self, run_id: str) -> list[StepView]:
        return [
            step_view(record.seq, record.record_hash, record.screenshot_sha256, _payload(record))
            for record in self.run_records(run_id)
            if record.kind == RecordKind.STEP
        ]

    def step(self, run_id: str, seq: int) -> StepView | None:
        with self.session() as session:
            record = session.get(ChainRecord, seq)
        if record is None or record.run_id != run_id or record.kind != RecordKind.STEP:
            return None
        return step_view(record.seq, record.record_hash, record.screenshot_sha256, _payload(record))


def _payload(record: ChainRecord) -> dict[str, Any] | None:
    return None if record.payload is None else dict(json.loads(record.payload))


WRITE_INTERACTIONS = ("create", "update")


def _index(connection: Connection, items: Sequence[TrailItem]) -> None:
    """Bring the run index up to date with a batch: insert started runs (with what the batch adds to them already
    folded in), then one update per earlier run touched."""
    touched: dict[str, list[StepRecord | RunResult]] = {}
    for item in items:
        if isinstance(item, StepRecord | RunResult):
            touched.setdefault(item.run_id, []).append(item)
    started = [_run_row(item) for item in items if isinstance(item, RunStart)]
    for row in started:
        row |= _run_changes(row, touched.pop(row["run_id"], []))
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in started:  # finished and unfinished runs set different columns: one executemany per shape
        shapes.setdefault(tuple(sorted(row)), []).append(row)
    for rows in shapes.values():
        connection.execute(insert(runs_table), rows)
    if not touched:
        return
    current = {
        row.run_id: row for row in connection.execute(select(runs_table).where(runs_table.c.run_id.in_(list(touched))))
    }
    for run_id, updates in touched.items():
        indexed = current.get(run_id)
        if indexed is not None:
            changes = _run_changes(indexed._mapping, updates)
            connection.execute(update(runs_table).where(runs_table.c.run_id == run_id).values(**changes))


def _run_row(start: RunStart) -> dict[str, Any]:
    info = start.info
    return {
        "run_id": info.run_id,
        "source": info.source,
        "interaction": info.interaction,
        "kind": str(info.kind),
        "resource_type": info.resource_type,
        "resource_id": info.resource_id,
        "patient_id": info.patient_id,
        "client_id": info.client_id,
        "scopes": " ".join(info.scopes),
        "job_id": info.job_id,
        "request_summary": info.request_summary,
        "started_at": as_utc(start.started_at),
        "step_count": 0,
        "failed_steps": 0,
        "drift": False,
        "step_ms_total": 0.0,
    }


def _run_changes(row: Mapping[Any, Any], updates: list[StepRecord | RunResult]) -> dict[str, Any]:
    """The run index columns `updates` change, given the run's current `row`."""
    steps = [item for item in updates if isinstance(item, StepRecord)]
    changes: dict[str, Any] = {
        "step_count": row["step_count"] + len(steps),
        "failed_steps": row["failed_steps"] + sum(1 for step in steps if step.outcome == StepOutcome.FAILED),
        "drift": bool(row["drift"]) or any(step.outcome == StepOutcome.DRIFT for step in steps),
        "step_ms_total": row["step_ms_total"] + sum(step.duration_ms for step in steps),
    }
    results = [item for item in updates if isinstance(item, RunResult)]
    if not results:
        return changes
    result = results[-1]
    error_kind = result.error.kind if result.error else None
    changes |= {
        "finished_at": as_utc(result.finished_at),
        "succeeded": result.succeeded,
        "outcome_code": outcome_code(result.succeeded, error_kind),
        "error_kind": error_kind,
        "error_message": result.error.message if result.error else None,
        "response_summary": result.response_summary,
    }
    resource_type = result.resource_type or row["resource_type"]
    resource_id = result.resource_id or row["resource_id"]
    written = row["interaction"].rsplit(".", 1)[-1] in WRITE_INTERACTIONS
    if result.succeeded and resource_type and resource_id and written:
        # A create learns its id only at the end (or later: see link_written_resource); an update knows it upfront.
        changes |= {"written_resource_type": resource_type, "written_resource_id": resource_id}
    elif result.resource_type and result.resource_id and row["resource_id"] is None:
        changes |= {"resource_type": result.resource_type, "resource_id": result.resource_id}
    return changes

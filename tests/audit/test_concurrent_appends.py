"""Several appenders (as several processes would, each with its own engine) never fork the chain.

Runs on SQLite and on a real PostgreSQL server; on both, the chain head row serialises appends, and the queries
and the purge then work on what they wrote.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from audit import AuditSettings, AuditTrail, KeyRing, ScreenshotStore, verify_trail
from audit.purge import purge_expired
from audit.queries import AuditEventQuery, search_audit_events
from audit.runs import RunFilter, list_runs
from audit.schema import open_engine
from tests.audit.conftest import make_run, record_runs
from tests.scheduler.processes import POSTGRES_BIN, postgres_server

APPENDERS = 4
RUNS_EACH = 6


@pytest.fixture(scope="module")
def postgres_base_url() -> Iterator[str]:
    if not (POSTGRES_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not found under {POSTGRES_BIN}")
    with postgres_server() as url:
        yield url


def _fresh_postgres_database(base_url: str) -> str:
    name = f"audit_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base_url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + f"/{name}"


def _append_concurrently(url: str, settings: AuditSettings, tmp_path: Path) -> AuditTrail:
    keys = KeyRing.load(settings.key_file, settings.key_env)

    def appender(number: int) -> None:
        trail = AuditTrail(open_engine(url), ScreenshotStore(tmp_path / "shots", keys))
        try:
            runs = [make_run(f"run-{number}-{index}", patient_id=f"p-{number}") for index in range(RUNS_EACH)]
            record_runs(trail, runs)
            for index in range(RUNS_EACH):
                trail.record_view(f"auditor-{number}", [f"run-{number}-{index}"], "test")
        finally:
            trail.close()

    with ThreadPoolExecutor(max_workers=APPENDERS) as pool:
        list(pool.map(appender, range(APPENDERS)))
    return AuditTrail(open_engine(url), ScreenshotStore(tmp_path / "shots", keys))


def _check(trail: AuditTrail) -> None:
    try:
        report = verify_trail(trail)
        records_per_run = 1 + 4 + 1 + 1
        assert report.ok, report.problems[:3]
        assert report.records_checked == report.head_seq == APPENDERS * RUNS_EACH * records_per_run
        assert list_runs(trail, RunFilter(patient="p-1", drift=False, outcome="0", interaction="read")).total == 6
        events = search_audit_events(trail, AuditEventQuery(patient="p-2", date=["ge2000-01-01"]), viewer="auditor")
        assert events.total == RUNS_EACH
        assert purge_expired(trail, retention_days=-1).purged_seqs
        assert verify_trail(trail).ok
    finally:
        trail.close()


def test_concurrent_appenders_on_sqlite(audit_settings: AuditSettings, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    _check(_append_concurrently(url, audit_settings, tmp_path))


@pytest.mark.postgres
def test_concurrent_appenders_on_postgresql(
    audit_settings: AuditSettings, tmp_path: Path, postgres_base_url: str
) -> None:
    url = _fresh_postgres_database(postgres_base_url)
    _check(_append_concurrently(url, audit_settings, tmp_path))

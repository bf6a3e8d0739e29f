"""Scale-out on a real PostgreSQL: two `retrofhir worker` processes split the writes and none runs twice."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from scheduler import SchedulerSettings, SourceLimits, WriteQueue, WriteStatus
from scheduler.database import create_engine, create_schema
from tests.scheduler.conftest import submission
from tests.scheduler.processes import WorkerProcess, wait_until_finished
from tests.scheduler.table_executor import JITTER_ENV, TARGET_ENV, create_target, target_counts

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]

WRITES = 30


def worker_env(tmp_path: Path, database_url: str, target: Path) -> dict[str, str]:
    config = tmp_path / "retrofhir.toml"
    config.write_text(
        f'data_dir = "{tmp_path}"\n'
        "[scheduler]\n"
        f'database_url = "{database_url}"\n'
        'components_factory = "tests.scheduler.table_executor:components"\n'
        "max_concurrent_jobs = 2\n"
        "sweep_interval_seconds = 0.5\n"
        "lease_seconds = 10\n"
        "apscheduler_lease_seconds = 5\n"
        '[scheduler.sources."legacy-test"]\n'
        "seats = 4\n"
    )
    return {"RETROFHIR_CONFIG": str(config), TARGET_ENV: str(target), JITTER_ENV: "0.01"}


async def test_two_workers_split_the_writes_and_none_runs_twice(tmp_path: Path, postgres_url: str) -> None:
    target = tmp_path / "legacy.sqlite"
    create_target(target)
    env = worker_env(tmp_path, postgres_url, target)
    workers = [WorkerProcess(env, tmp_path / f"worker-{n}.log") for n in range(2)]
    engine = create_engine(postgres_url)
    try:
        for worker in workers:
            worker.wait_ready()
        await create_schema(engine)
        queue = WriteQueue(engine, SchedulerSettings(sources={"legacy-test": SourceLimits(seats=4)}))
        ids = [(await queue.submit(submission(f"obs-{n}", patient=f"patient-{n % 7}")))[0].id for n in range(WRITES)]

        await wait_until_finished(queue, timeout=120)

        records = [await queue.get(write_id) for write_id in ids]
        assert {record.status for record in records} == {WriteStatus.SUCCEEDED}
        assert all(record.attempts == 1 for record in records)
        claims: Counter[str] = Counter()
        for write_id in ids:
            for event in await queue.events(write_id):
                if event.to_status == "running":
                    claims[write_id] += 1
        assert set(claims.values()) == {1}
    finally:
        for worker in workers:
            worker.stop()
        await engine.dispose()

    counts = target_counts(target)
    assert len(counts) == WRITES
    assert set(counts.values()) == {1}
    with sqlite3.connect(target) as db:
        writers = dict(db.execute("SELECT written_by_pid, COUNT(*) FROM legacy_records GROUP BY written_by_pid"))
    assert set(writers) == {worker.pid for worker in workers}

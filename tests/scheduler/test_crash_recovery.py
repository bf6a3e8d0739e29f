"""Crash proof: a worker process SIGKILLed at random points and restarted; every write ends exactly once.

Each write ends either in the legacy stand-in table exactly once (succeeded), or in `unknown` with the
evidence of a submit whose worker was lost, and then it is in the table at most once. None is lost, none is
duplicated, none is retried blindly.
"""

from __future__ import annotations

import random
from pathlib import Path

import anyio
import pytest

from scheduler import SchedulerSettings, WriteQueue, WriteStatus
from scheduler.database import create_engine, create_schema
from tests.scheduler.conftest import submission
from tests.scheduler.processes import WorkerProcess, unfinished_writes, wait_until_finished
from tests.scheduler.table_executor import JITTER_ENV, TARGET_ENV, create_target, identifier_of, target_counts

pytestmark = pytest.mark.anyio

WRITES = 30
KILLS = 3


def embedded_env(tmp_path: Path, target: Path) -> dict[str, str]:
    config = tmp_path / "retrofhir.toml"
    config.write_text(
        f'data_dir = "{tmp_path}"\n'
        "[scheduler]\n"
        'components_factory = "tests.scheduler.table_executor:components"\n'
        "sweep_interval_seconds = 0.3\n"
        "lease_seconds = 1.5\n"
        "apscheduler_lease_seconds = 2\n"
        "redispatch_after_seconds = 3\n"
        "[scheduler.retry]\n"
        "max_attempts = 20\n"
        "base_delay_seconds = 0.2\n"
        "max_delay_seconds = 1\n"
        '[scheduler.sources."legacy-test"]\n'
        "seats = 3\n"
    )
    # Stalls at each executor stage widen the windows a kill can land in (between submit and read-back too).
    return {"RETROFHIR_CONFIG": str(config), TARGET_ENV: str(target), JITTER_ENV: "0.08"}


async def test_sigkilled_workers_never_lose_or_duplicate_a_write(tmp_path: Path) -> None:
    target = tmp_path / "legacy.sqlite"
    create_target(target)
    env = embedded_env(tmp_path, target)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'scheduler' / 'queue.sqlite'}")
    await create_schema(engine)
    queue = WriteQueue(engine, SchedulerSettings())
    rng = random.Random()
    try:
        identifiers = {
            (await queue.submit(submission(f"obs-{n}", patient=f"patient-{n % 6}")))[0].id: f"obs-{n}"
            for n in range(WRITES)
        }
        kills = 0
        for round_number in range(KILLS + 1):
            worker = WorkerProcess(env, tmp_path / f"worker-{round_number}.log")
            try:
                worker.wait_ready()
                if round_number == KILLS:
                    await wait_until_finished(queue, timeout=120)
                    continue
                # Kill once a random number of further writes has finished, plus a random moment more.
                before = await unfinished_writes(queue)
                progress = rng.randint(1, 4)
                with anyio.fail_after(120):
                    while before - await unfinished_writes(queue) < progress and await unfinished_writes(queue):
                        await anyio.sleep(0.02)
                await anyio.sleep(rng.uniform(0, 0.25))
                worker.kill()
                kills += 1
            finally:
                worker.stop()

        counts = target_counts(target)
        recovered = 0
        for write_id, identifier in identifiers.items():
            record = await queue.get(write_id)
            events = await queue.events(write_id)
            reasons = " | ".join(event.reason or "" for event in events)
            recovered += "lost" in reasons
            assert record.status in (WriteStatus.SUCCEEDED, WriteStatus.UNKNOWN), (identifier, record.status, reasons)
            if record.status == WriteStatus.SUCCEEDED:
                assert counts.get(identifier) == 1, (identifier, reasons)
                assert record.result is not None
                assert identifier_of(record.result) == identifier
            else:
                assert counts.get(identifier, 0) <= 1, (identifier, reasons)
                # The evidence: a submit was recorded by a worker that was then lost, and the read-back decided.
                assert "submitting" in reasons
                assert "the submitting worker was lost" in (record.reason or "")
        assert sum(counts.values()) == len(counts)  # no identifier twice
        assert set(counts) <= set(identifiers.values())
        assert kills == KILLS
        assert recovered > 0, "no kill interrupted a write in flight"
    finally:
        await engine.dispose()

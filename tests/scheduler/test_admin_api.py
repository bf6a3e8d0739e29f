"""The admin API over real HTTP: list, show, replay and resolve writes; health states; no resource content."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from bots.errors import LegacyValidationError, WriteOutcomeUnknown
from scheduler import HealthReport, LoggedAlerts, SchedulerSettings, WriteQueue, WriteStatus, admin_router
from scheduler.database import create_engine
from scheduler.periodic import HealthMonitor
from tests.scheduler.conftest import QueueBench
from tests.scheduler.processes import free_port, wait_until

pytestmark = pytest.mark.anyio


@pytest.fixture
def admin_url(tmp_path: Path, bench: QueueBench) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 serving the admin router over the bench's queue database."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'queue.sqlite'}")
    app = FastAPI()
    monitor = HealthMonitor(engine, LoggedAlerts())
    app.include_router(admin_router(WriteQueue(engine, SchedulerSettings()), monitor), prefix="/admin/queue")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, 30, "uvicorn to start")
        yield f"http://127.0.0.1:{server.config.port}/admin/queue"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


async def _failed_and_unknown(bench: QueueBench) -> tuple[str, str]:
    failed = await bench.submit("obs-1", patient="p1")
    unknown = await bench.submit("obs-2", patient="p2")
    bench.faults.add("obs-1", "fill", LegacyValidationError("rejected"))
    bench.faults.add("obs-2", "submitted", WriteOutcomeUnknown("no read-back"))
    await bench.worker().process(failed)
    await bench.worker().process(unknown)
    return failed, unknown


async def test_the_review_list_and_a_writes_evidence(bench: QueueBench, admin_url: str) -> None:
    failed, unknown = await _failed_and_unknown(bench)
    async with httpx.AsyncClient(base_url=admin_url) as client:
        review = (await client.get("/writes", params={"review": "true"})).json()
        detail = (await client.get(f"/writes/{unknown}")).json()
        only_failed = (await client.get("/writes", params={"status": "failed"})).json()
        missing = await client.get("/writes/no-such-write")

    assert [row["id"] for row in review] == [unknown, failed]
    assert all(row["needs_review"] for row in review)
    assert [row["id"] for row in only_failed] == [failed]
    assert detail["status"] == "unknown"
    assert [event["to_status"] for event in detail["events"]] == ["queued", "running", "verifying", "unknown"]
    assert "obs-2" not in str(detail)  # ids, states and reasons only: no resource content
    assert missing.status_code == 404


async def test_replay_and_resolve(bench: QueueBench, admin_url: str) -> None:
    failed, unknown = await _failed_and_unknown(bench)
    async with httpx.AsyncClient(base_url=admin_url) as client:
        replayed = await client.post(f"/writes/{failed}/replay", json={"by": "operator"})
        resolved = await client.post(
            f"/writes/{unknown}/resolve",
            json={"outcome": "succeeded", "by": "reviewer", "note": "seen in the chart", "legacy_key": "77"},
        )
        again = await client.post(f"/writes/{unknown}/replay", json={"by": "operator"})
        review = (await client.get("/writes", params={"review": "true"})).json()

    assert replayed.status_code == 200
    assert replayed.json()["status"] == "queued"
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "succeeded"
    assert resolved.json()["legacy_key"] == "77"
    assert resolved.json()["resolved_by"] == "reviewer"
    assert again.status_code == 409
    assert review == []
    bench.clock.now = datetime.now(UTC)  # the server replayed it on the real clock
    assert await bench.worker().process(failed) == WriteStatus.SUCCEEDED


async def test_health_check_states(bench: QueueBench, admin_url: str) -> None:
    await HealthMonitor(bench.engine, LoggedAlerts()).record(
        "legacy-web", HealthReport(examples_run=4, drifted=("patient_search.family",))
    )
    async with httpx.AsyncClient(base_url=admin_url) as client:
        states = (await client.get("/health-checks")).json()
    assert states == [
        {
            "name": "legacy-web",
            "state": "drift",
            "examples_run": 4,
            "drifted": 1,
            "failed": 0,
            "detail": "drift: patient_search.family",
        }
    ]

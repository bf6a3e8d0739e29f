"""`retrofhir worker` stopped by SIGTERM closes its browsers and drains its audit writer before it exits."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audit.schema import Run
from audit.trail import AuditTrail
from practice_ehrs.legacy_web.runner import LegacyWebServer
from retrofhir.config import Settings
from scheduler import SchedulerSettings, WriteQueue, WriteStatus
from scheduler.database import create_engine, create_schema
from tests.scheduler.processes import wait_until_finished
from tests.scheduler.real_ehr import queue_url, vital_write, worker_environment, worker_group

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(600)]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_sigterm_closes_the_browser_and_keeps_every_audited_run(
    tmp_path: Path, legacy_web_clean: LegacyWebServer
) -> None:
    env = worker_environment(tmp_path, legacy_web_clean)
    engine = create_engine(queue_url(tmp_path))
    await create_schema(engine)
    queue = WriteQueue(engine, SchedulerSettings())
    try:
        record, _ = await queue.submit(vital_write(7))
        with worker_group(env, tmp_path / "worker.log") as worker:
            await wait_until_finished(queue, timeout=300)
            assert (await queue.get(record.id)).status == WriteStatus.SUCCEEDED
            worker.process.send_signal(signal.SIGTERM)
            exit_code = worker.process.wait(timeout=120)
            # The worker's own process group: Chromium and its helpers were started in it.
            browser_left = _group_alive(worker.process.pid)
        log = (tmp_path / "worker.log").read_text(errors="replace")
        assert exit_code == 0, log[-3000:]
        assert "worker stopped" in log
        assert not browser_left, "the worker exited and left browser processes behind"
    finally:
        await engine.dispose()
    trail = AuditTrail.open(Settings(data_dir=tmp_path / "var").audit, tmp_path / "var")
    try:
        with trail.session() as session:
            finished = session.scalar(select(func.count()).select_from(Run).where(Run.finished_at.is_not(None)))
            unfinished = session.scalar(select(func.count()).select_from(Run).where(Run.finished_at.is_(None)))
    finally:
        trail.close()
    assert finished is not None
    assert finished >= 1
    assert unfinished == 0

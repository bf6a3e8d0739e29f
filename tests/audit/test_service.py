"""AuditService: the engine's observer and the scheduler's write and retention hooks, over one real trail."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from audit import AuditService, AuditSettings, verify_trail
from audit.queries import search_provenance
from bots.observer import RunResult
from tests.audit.conftest import make_run, run_on_own_loop


def test_a_queued_write_is_recorded_linked_to_its_resource_and_later_purged(
    audit_settings: AuditSettings, tmp_path: Path
) -> None:
    service = AuditService.open(audit_settings, tmp_path)
    info, steps, _ = make_run("run-write", interaction="Observation.create")
    info = replace(info, job_id="write-7")
    probe, probe_steps, probe_result = make_run("run-probe", interaction="Observation.find_existing")
    probe = replace(probe, job_id="write-7")

    async def worker() -> None:
        for run, run_steps, result in (
            (probe, probe_steps, probe_result),
            (info, steps, RunResult("run-write", True, datetime.now(UTC))),
        ):
            await service.observer.run_started(run)
            for step in run_steps:
                await service.observer.step(step)
            await service.observer.run_finished(result)
        await service.on_written("write-7", "Observation", "obs-5")
        await service.record_response("run-write", 201, {"resourceType": "Observation", "id": "obs-5"})

    try:
        run_on_own_loop(worker)
        page = search_provenance(service.trail, "Observation/obs-5", viewer="auditor")
        assert [provenance.id for provenance in page.resources] == ["run-write"]
        assert service.trail.response("run-write") == (201, {"resourceType": "Observation", "id": "obs-5"})

        async def retention() -> int:
            return await service.purge(-1)

        assert run_on_own_loop(retention) == len(steps) + len(probe_steps) + 1
        assert verify_trail(service.trail).ok
    finally:
        service.close()

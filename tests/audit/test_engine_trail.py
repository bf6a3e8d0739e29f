"""The real engine driving the real practice web EHR in Chromium, observed by the audit trail end to end."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from audit import AuditObserver, AuditTrail, TrailWriter, verify_trail
from audit.export import export_run_html
from audit.schema import ChainRecord, Run
from bots.credentials import CredentialStore
from bots.engine import SourceRuntime
from bots.map_loader import load_screen_map
from bots.observer import RunInfo
from practice_ehrs.legacy_web.runner import LegacyWebServer
from retrofhir.config import PROJECT_ROOT
from tests.audit.conftest import run_on_own_loop

MRN = "0100046"


@pytest.mark.web
def test_a_real_patient_read_leaves_a_verifiable_trail_with_secrets_masked(
    legacy_web_clean: LegacyWebServer, trail: AuditTrail, tmp_path: Path
) -> None:
    info = RunInfo(
        uuid.uuid4().hex,
        "legacy_web",
        "Patient.read",
        resource_type="Patient",
        resource_id=MRN,
        patient_id=MRN,
        client_id="integrator",
        scopes=("system/Patient.r",),
        request_summary=f"GET /fhir/legacy-web/Patient/{MRN}",
    )
    writer = TrailWriter(trail)

    async def read() -> dict[str, Any]:
        credentials = CredentialStore(environment={"LEGACY_WEB_USERNAME": "nurse", "LEGACY_WEB_PASSWORD": "nurse123"})
        screen_map = load_screen_map(PROJECT_ROOT / "screen_maps" / "legacy_web.yaml")
        async with SourceRuntime(
            screen_map, base_url=legacy_web_clean.base_url, observer=AuditObserver(writer), credentials=credentials
        ) as runtime:
            return await runtime.read("Patient", MRN, info)

    try:
        patient = run_on_own_loop(read)
    finally:
        writer.close()
    assert patient["id"] == MRN
    run = trail.run(info.run_id)
    assert run is not None
    assert (run.succeeded, run.outcome_code, run.client_id) == (True, "0", "integrator")
    steps = trail.steps(info.run_id)
    assert steps
    assert all(step.screenshot_sha256 for step in steps)
    located = [step for step in steps if step.box is not None and step.locator_kind]
    assert located
    assert any(step.value == "Smith" for step in steps)
    with trail.session() as session:
        login_runs = [run for run in session.scalars(select(Run)) if run.run_id != info.run_id]
        payloads = " ".join(payload or "" for payload in session.scalars(select(ChainRecord.payload)))
    assert login_runs
    assert "nurse123" not in payloads
    assert any(step.value_masked for step in trail.steps(login_runs[0].run_id))
    assert verify_trail(trail).ok
    html = export_run_html(trail, info.run_id, viewer="auditor")
    assert html.count('data-sha256="') == len(steps)

"""`python -m audit.console.screenshots DIR`: record real engine runs against the practice web EHR, then shoot the
console's runs list and a run page into DIR (audit_runs.png, audit_run.png) for the README.

Everything is real: the legacy web EHR, the engine driving it in Chromium, the audit trail observing it, the
facade serving the console, a signed auditor token. One run hits a vendor UI upgrade (UI v2) to show drift.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import sync_playwright

from audit.console.router import console_router
from audit.keys import append_new_key
from audit.observer import AuditObserver
from audit.settings import AuditSettings
from audit.trail import AuditTrail
from audit.writer import TrailWriter
from bots.credentials import CredentialStore
from bots.engine import SourceRuntime
from bots.errors import RecordNotFound
from bots.map_loader import load_screen_map
from bots.observer import RunInfo
from fhir_facade import create_app
from fhir_facade.settings import AuthSettings, FhirSettings
from practice_ehrs.legacy_web.runner import LegacyWebServer, running_legacy_web
from retrofhir.config import PROJECT_ROOT, BrowserSettings, FacadeSettings, Settings

SOURCE = "legacy_web"
READS = [("ehr-integration", 1), ("ehr-integration", 2), ("population-health", 3), ("ehr-integration", 4)]
WEIGHT: dict[str, Any] = {
    "resourceType": "Observation",
    "status": "final",
    "category": [
        {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}
    ],
    "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
    "effectiveDateTime": "2026-11-20T08:30:00Z",
    "valueQuantity": {"value": 182.4, "unit": "lb", "system": "http://unitsofmeasure.org", "code": "[lb_av]"},
}


def _info(interaction: str, client: str, mrn: str | None, resource_id: str | None, request: str) -> RunInfo:
    resource_type = interaction.split(".")[0]
    scope = "cu" if interaction.endswith(("create", "update")) else "rs"
    return RunInfo(
        uuid.uuid4().hex,
        SOURCE,
        interaction,
        resource_type=resource_type,
        resource_id=resource_id,
        patient_id=mrn,
        client_id=client,
        scopes=(f"system/{resource_type}.{scope}",),
        job_id=f"job-{uuid.uuid4().hex[:8]}" if scope == "cu" else None,
        request_summary=request,
    )


async def _record_runs(server: LegacyWebServer, observer: AuditObserver, trail: AuditTrail) -> str:
    """Reads, a search, a write and a read after a UI upgrade; returns the drifted run's id."""
    mrns = [str(row["mrn"]) for row in server.query("SELECT mrn FROM patients ORDER BY id LIMIT 6")]
    credentials = CredentialStore(environment={"LEGACY_WEB_USERNAME": "nurse", "LEGACY_WEB_PASSWORD": "nurse123"})
    screen_map = load_screen_map(PROJECT_ROOT / "screen_maps" / f"{SOURCE}.yaml")
    async with SourceRuntime(
        screen_map, base_url=server.base_url, observer=observer, credentials=credentials
    ) as runtime:
        for client, index in READS:
            mrn = mrns[index - 1]
            info = _info("Patient.read", client, mrn, mrn, f"GET Patient/{mrn}")
            trail.record_response(info.run_id, 200, await runtime.read("Patient", mrn, info))
        search = _info("Patient.search", "population-health", None, None, "GET Patient?family=nguyen")
        await runtime.search("Patient", {"family": "nguyen"}, info=search)
        weight = {**WEIGHT, "subject": {"reference": f"Patient/{mrns[0]}"}}
        create = _info("Observation.create", "scheduling-app", mrns[0], None, "POST Observation (body weight)")
        await runtime.create(weight, info=create)
        missing = _info("Patient.read", "ehr-integration", None, None, "GET Patient/999999999")
        with contextlib.suppress(RecordNotFound):
            await runtime.read("Patient", "999999999", missing)
        server.set_knobs(ui_version=2)
        mrn = mrns[4]
        drifted = _info("Patient.read", "population-health", mrn, mrn, f"GET Patient/{mrn}")
        trail.record_response(drifted.run_id, 200, await runtime.read("Patient", mrn, drifted))
        server.set_knobs(ui_version=1)
    return drifted.run_id


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _shoot(trail: AuditTrail, data_dir: Path, drifted_run: str, out_dir: Path) -> None:
    port = _free_port()
    settings = Settings(
        data_dir=data_dir,
        facade=FacadeSettings(port=port, public_base_url=f"http://127.0.0.1:{port}"),
        fhir=FhirSettings(auth=AuthSettings(dev_mode=False)),
    )
    app = create_app(settings, {}, extra_routers=(console_router(trail),))
    token = app.state.token_service.issue("compliance-office", ["auditor"])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="audit-console-screenshots", daemon=True)
    thread.start()
    browser_settings = BrowserSettings()
    try:
        while not server.started:
            time.sleep(0.02)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(browser_settings.executable_path),
                args=[f"--host-resolver-rules={browser_settings.host_resolver_rules}"],
            )
            page = browser.new_page(viewport={"width": 1360, "height": 760}, base_url=f"http://127.0.0.1:{port}")
            page.goto("/audit/login")
            page.fill("#token", token)
            page.click("button[type=submit]")
            page.screenshot(path=str(out_dir / "audit_runs.png"))
            drifted_step = [step for step in trail.steps(drifted_run) if step.outcome == "drift"][-1]
            page.goto(f"/audit/runs/{drifted_run}?step={drifted_step.seq}", wait_until="networkidle")
            page.screenshot(path=str(out_dir / "audit_run.png"), full_page=True)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="retrofhir-audit-shots-") as scratch:
        data_dir = Path(scratch)
        append_new_key(data_dir / "audit" / "keys", "screenshots")
        trail = AuditTrail.open(AuditSettings(key_env="RETROFHIR_SCREENSHOTS_NO_KEYS"), data_dir)
        writer = TrailWriter(trail)
        try:
            with running_legacy_web(data_dir / "legacy_web.sqlite") as server:
                drifted_run = asyncio.run(_record_runs(server, AuditObserver(writer), trail))
        finally:
            writer.close()
        _shoot(trail, data_dir, drifted_run, out_dir)
        trail.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

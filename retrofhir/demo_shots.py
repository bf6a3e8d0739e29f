"""Screenshots of both practice EHRs' main screens for `retrofhir demo --screenshots` (e.g. into docs/screenshots).

The web EHR is photographed directly; the desktop EHR runs on its bot's private display, so its picture is the
last screen its bot recorded in the audit trail (decrypted, and the viewing recorded in the chain like any other).
"""

from __future__ import annotations

from pathlib import Path

from audit.outcome import SUCCESS
from audit.runs import RunFilter, list_runs
from audit.trail import AuditTrail
from practice_ehrs.legacy_web.runner import LegacyWebServer
from practice_ehrs.legacy_web.screenshots import capture_screenshots
from retrofhir.config import Settings

VIEWER = "retrofhir demo --screenshots"
# Runs answered from the local store record no screens; look back this far for one that did.
RUNS_LOOKED_AT = 20


def save_web_screenshots(web_ehr: LegacyWebServer, directory: Path) -> list[Path]:
    """The web EHR's screens (login, search, chart, vitals, labs, UI v2); it is left on UI v2: reset it after."""
    return capture_screenshots(web_ehr, directory)


def save_bot_screenshot(settings: Settings, source_id: str, path: Path) -> Path | None:
    """The last screen recorded by the latest successful run of `source_id` that has screenshots, or None."""
    trail = AuditTrail.open(settings.audit, settings.data_dir)
    try:
        for run in list_runs(trail, RunFilter(source=source_id, outcome=SUCCESS), limit=RUNS_LOOKED_AT).runs:
            shots = [step.screenshot_sha256 for step in trail.steps(run.run_id) if step.screenshot_sha256]
            if shots:
                trail.record_view(VIEWER, [run.run_id], "demo screenshot")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(trail.screenshots.get(shots[-1]))
                return path
        return None
    finally:
        trail.close()

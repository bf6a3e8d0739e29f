"""Screenshots of both practice EHRs' main screens for `retrofhir demo --screenshots` (e.g. into docs/screenshots).

The web EHR is photographed directly; the desktop EHR runs on its bot's private display, so its picture is the
last screen its bot recorded in the audit trail (decrypted, and the viewing recorded in the chain like any other).
"""

from __future__ import annotations

from pathlib import Path

from audit.runs import RunFilter, list_runs
from audit.trail import AuditTrail
from practice_ehrs.legacy_web.runner import LegacyWebServer
from practice_ehrs.legacy_web.screenshots import capture_screenshots
from retrofhir.config import Settings

VIEWER = "retrofhir demo --screenshots"


def save_web_screenshots(web_ehr: LegacyWebServer, directory: Path) -> list[Path]:
    """The web EHR's screens (login, search, chart, vitals, labs, UI v2); it is left on UI v2: reset it after."""
    return capture_screenshots(web_ehr, directory)


def save_bot_screenshot(settings: Settings, source_id: str, path: Path) -> Path | None:
    """The last screen a bot of `source_id` recorded in its latest successful Patient read, or None."""
    trail = AuditTrail.open(settings.audit, settings.data_dir)
    try:
        runs = list_runs(trail, RunFilter(source=source_id, interaction="Patient.read", outcome="0"), limit=1).runs
        if not runs:
            return None
        shots = [step.screenshot_sha256 for step in trail.steps(runs[0].run_id) if step.screenshot_sha256]
        if not shots:
            return None
        trail.record_view(VIEWER, [runs[0].run_id], "demo screenshot")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(trail.screenshots.get(shots[-1]))
        return path
    finally:
        trail.close()

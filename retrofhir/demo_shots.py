"""Screenshots of both practice EHRs' main screens for `retrofhir demo --screenshots` (e.g. into docs/screenshots)."""

from __future__ import annotations

import shutil
from pathlib import Path

from practice_ehrs.legacy_desktop.command import save_screenshot
from practice_ehrs.legacy_desktop.runner import run_legacy_desktop
from practice_ehrs.legacy_web.runner import LegacyWebServer
from practice_ehrs.legacy_web.screenshots import capture_screenshots


def save_screenshots(web_ehr: LegacyWebServer, directory: Path) -> list[Path]:
    """The web EHR's screens (login, search, chart, vitals, labs, UI v2) and the desktop EHR's start screen.

    The web EHR is left on UI version 2 with its data as it was: reset it afterwards. The desktop EHR runs on a
    display and database of its own, stopped before this returns; it is left out where Xvfb is not installed.
    """
    shots = capture_screenshots(web_ehr, directory)
    if shutil.which("Xvfb") is not None:
        with run_legacy_desktop() as desktop_ehr:
            path = directory / "legacy_desktop_login.png"
            save_screenshot(desktop_ehr, path)
            shots.append(path)
    return shots

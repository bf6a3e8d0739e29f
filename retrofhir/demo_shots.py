"""Screenshots of both practice EHRs' main screens for `retrofhir demo --screenshots` (e.g. into docs/screenshots)."""

from __future__ import annotations

from pathlib import Path

import mss
import mss.tools

from practice_ehrs.legacy_web.runner import LegacyWebServer
from practice_ehrs.legacy_web.screenshots import capture_screenshots


def save_web_screenshots(web_ehr: LegacyWebServer, directory: Path) -> list[Path]:
    """The web EHR's screens (login, search, chart, vitals, labs, UI v2); it is left on UI v2: reset it after."""
    return capture_screenshots(web_ehr, directory)


def save_display_screenshot(display: str, path: Path) -> Path:
    """The whole virtual display as the desktop bot last left it (logged in, on the last chart it read)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with mss.MSS(display=display) as screen:
        shot = screen.grab(screen.monitors[0])
        mss.tools.to_png(shot.rgb, shot.size, output=str(path))
    return path

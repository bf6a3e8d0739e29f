"""Take the README screenshots of the practice web EHR through real Chromium (`python -m ...screenshots DIR`).

Starts its own server over a temporary database, so it never touches the demo's data.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

from practice_ehrs.legacy_web.runner import LegacyWebServer, running_legacy_web
from retrofhir.config import load_settings

VIEWPORT: ViewportSize = {"width": 1024, "height": 700}


def _log_in(page: Page, server: LegacyWebServer) -> None:
    page.goto(f"{server.base_url}/login")
    page.fill("input[name=username]", "nurse")
    page.fill("input[name=password]", "nurse123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.base_url}/")
    page.frame_locator("frame[name=main]").locator("form").wait_for()


def _main_frame_goto(page: Page, server: LegacyWebServer, path: str) -> None:
    frame = page.frame(name="main")
    assert frame is not None
    frame.goto(f"{server.base_url}{path}")


def capture_screenshots(server: LegacyWebServer, directory: Path) -> list[Path]:
    """Write legacy_web_{login,search,chart,vitals,labs,ui_v2}.png into `directory`; returns their paths."""
    browser_settings = load_settings().browser
    directory.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(browser_settings.executable_path),
            args=[f"--host-resolver-rules={browser_settings.host_resolver_rules}"],
        )
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{server.base_url}/login")
            page.fill("input[name=username]", "nurse")
            shots.append(directory / "legacy_web_login.png")
            page.screenshot(path=shots[-1])
            _log_in(page, server)
            for name, path in (
                ("search", "/search?go=1&last=smith&first=&dob=&mrn="),
                ("chart", "/chart/2/demographics"),
                ("vitals", "/chart/2/vitals"),
                ("labs", "/chart/2/labs"),
            ):
                _main_frame_goto(page, server, path)
                shots.append(directory / f"legacy_web_{name}.png")
                page.screenshot(path=shots[-1])
            server.set_knobs(ui_version=2)
            page.reload()
            _main_frame_goto(page, server, "/chart/2/vitals/new")
            shots.append(directory / "legacy_web_ui_v2.png")
            page.screenshot(path=shots[-1])
        finally:
            browser.close()
    return shots


def main() -> None:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")
    with (
        tempfile.TemporaryDirectory(prefix="legacy-web-shots-") as scratch,
        running_legacy_web(Path(scratch) / "legacy_web.sqlite") as server,
    ):
        for shot in capture_screenshots(server, directory):
            print(shot)


if __name__ == "__main__":
    main()

"""Browser steps the practice web EHR tests share: log in, find the main frame, open a page in it."""

from __future__ import annotations

from playwright.sync_api import Frame, FrameLocator, Page, expect

from practice_ehrs.legacy_web.runner import LegacyWebServer


def main_frame(page: Page) -> FrameLocator:
    return page.frame_locator("frame[name=main]")


def log_in(page: Page, server: LegacyWebServer, username: str = "nurse", password: str = "nurse123") -> None:  # noqa: S107
    """Log in through the login page and wait for the frameset's main frame to show the search form."""
    page.goto(f"{server.base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")
    expect(main_frame(page).locator("input[name=last]")).to_be_visible()


def open_in_main(page: Page, server: LegacyWebServer, path: str) -> Frame:
    """Navigate the main frame to `path`, as a bot following a link would."""
    frame = page.frame(name="main")
    assert frame is not None
    frame.goto(f"{server.base_url}{path}")
    return frame

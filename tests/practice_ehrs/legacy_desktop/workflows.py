"""Screen-only workflows the desktop EHR tests share: sign in, find a patient, open a chart, fill a form."""

from __future__ import annotations

from practice_ehrs.legacy_desktop.login import LOGIN_TITLE
from practice_ehrs.legacy_desktop.main_window import MAIN_TITLE
from practice_ehrs.legacy_desktop.search import SEARCH_TITLE
from tests.practice_ehrs.legacy_desktop.screen import Box, ScreenDriver

DEMO_PASSWORD = "nurse123"


def sign_in(screen: ScreenDriver, password: str = DEMO_PASSWORD, user_label: str = "User name:") -> None:
    login = screen.ehr.wait_for_window(LOGIN_TITLE)
    screen.fill(login, {user_label: "nurse", "Password:": password})
    screen.key("Return")


def signed_in(screen: ScreenDriver) -> int:
    """Sign in as the demo nurse; the main window's id."""
    sign_in(screen)
    return screen.ehr.wait_for_window(MAIN_TITLE)


def search(screen: ScreenDriver, main: int, criteria: dict[str, str]) -> tuple[int, Box]:
    """Open Patient Search with Ctrl+F, type the criteria, press Enter; the dialog's id and screen box."""
    screen.focus(main)
    screen.key("ctrl+f")
    dialog = screen.ehr.wait_for_window(SEARCH_TITLE)
    screen.fill(dialog, criteria)
    screen.key("Return")
    box = screen.window_box(dialog)
    screen.wait_for_phrase("found", Box(box.left, box.bottom - 40, box.right, box.bottom))
    return dialog, box


def open_chart(screen: ScreenDriver, main: int, last_name: str, line_prefix: str) -> Box:
    """Search by last name and double-click the result line starting with `line_prefix`; the chart's box."""
    _, box = search(screen, main, {"Last Name:": last_name})
    line = screen.find_line(line_prefix, box)
    assert line is not None, f"{line_prefix!r} not in the result list"
    screen.click(line.box.center, double=True)
    return screen.window_box(screen.ehr.wait_for_window("Patient Chart"))


def says(text: str, phrase: str) -> bool:
    """Whether OCR'd `text` contains `phrase`, ignoring case and spaces (OCR often merges or splits words)."""
    return phrase.replace(" ", "").lower() in text.replace(" ", "").lower()


def dismiss(screen: ScreenDriver, title: str) -> str:
    """Read a message box (Saved / Error), press Enter on it, wait until it is gone; the text it showed."""
    window = screen.ehr.wait_for_window(f"^{title}$")
    text = screen.text(screen.window_box(window))
    screen.focus(window)
    screen.key("Return")
    screen.ehr.wait_until_gone(f"^{title}$")
    return text

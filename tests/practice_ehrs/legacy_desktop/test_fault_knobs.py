"""The desktop EHR's fault knobs seen from the screen: UI version 2, latency before windows, random crashes."""

from __future__ import annotations

import pytest

from practice_ehrs.legacy_desktop.knobs import CRASH_EXIT_CODE, Knobs
from practice_ehrs.legacy_desktop.login import LOGIN_TITLE
from practice_ehrs.legacy_desktop.main_window import MAIN_TITLE
from tests.practice_ehrs.legacy_desktop.screen import ScreenDriver
from tests.practice_ehrs.legacy_desktop.workflows import search, sign_in

pytestmark = pytest.mark.desktop


def test_ui_version_2_moves_windows_renames_labels_and_keeps_the_data(screen: ScreenDriver) -> None:
    ehr = screen.ehr
    login = ehr.wait_for_window(LOGIN_TITLE)
    version_1, label_1 = ehr.geometry(login), screen.wait_for_phrase("Password:", screen.window_box(login))
    ehr.restart(knobs=Knobs(ui_version=2))
    login = ehr.wait_for_window(LOGIN_TITLE)
    version_2, label_2 = ehr.geometry(login), screen.wait_for_phrase("Password:", screen.window_box(login))
    assert (version_2.x, version_2.y) != (version_1.x, version_1.y)
    assert label_2.right - label_2.left > label_1.right - label_1.left
    assert screen.find_phrase("User ID:", screen.window_box(login)) is not None

    sign_in(screen, user_label="User ID:")
    main = ehr.wait_for_window(MAIN_TITLE)
    _, box = search(screen, main, {"Surname:": "Smith", "Given Name:": "John"})
    assert screen.find_phrase("Birth Date:", box) is not None
    assert screen.find_phrase("Last Name:", box) is None
    assert len([line for line in screen.lines(box) if line.text.startswith("SMITH, JOHN")]) == 2


def test_latency_knob_holds_back_each_window(screen: ScreenDriver) -> None:
    ehr = screen.ehr
    ehr.restart(knobs=Knobs(latency_ms=2500))
    sign_in(screen)
    assert ehr.find_windows(MAIN_TITLE) == []
    ehr.wait_for_window(MAIN_TITLE, timeout=20)
    assert ehr.exit_code(timeout=0) is None


def test_crash_knob_ends_the_process_on_a_user_action(screen: ScreenDriver) -> None:
    ehr = screen.ehr
    ehr.restart(knobs=Knobs(crash_rate=1.0))
    sign_in(screen)
    assert ehr.exit_code(timeout=15) == CRASH_EXIT_CODE
    assert ehr.find_windows(LOGIN_TITLE) == []

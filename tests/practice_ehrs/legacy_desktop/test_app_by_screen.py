"""The desktop EHR driven only through the screen (xdotool in, screenshots and OCR out), checked in its database."""

from __future__ import annotations

import pytest

from practice_ehrs.clinical_data import query
from practice_ehrs.legacy_desktop.login import LOGIN_TITLE
from practice_ehrs.legacy_desktop.main_window import MAIN_TITLE
from tests.practice_ehrs.legacy_desktop.screen import Box, ScreenDriver
from tests.practice_ehrs.legacy_desktop.workflows import (
    DEMO_PASSWORD,
    dismiss,
    open_chart,
    says,
    search,
    sign_in,
    signed_in,
)

pytestmark = pytest.mark.desktop

JOHN_SMITH_1958 = "SELECT * FROM patients WHERE last_name = 'Smith' AND first_name = 'John' AND dob = '1958-03-14'"


def test_wrong_password_shows_an_error_then_the_right_one_opens_the_main_window(screen: ScreenDriver) -> None:
    sign_in(screen, password="not-the-password")
    assert says(dismiss(screen, "Error"), "Invalid user name or password")
    assert screen.ehr.find_windows(MAIN_TITLE) == []

    # The user name stays filled in and the password was cleared, as in the real product.
    screen.fill(screen.ehr.wait_for_window(LOGIN_TITLE), {"Password:": DEMO_PASSWORD})
    screen.key("Return")
    main = screen.ehr.wait_for_window(MAIN_TITLE)
    window = screen.window_box(main)
    status_bar = Box(window.left, window.bottom - 26, window.right, window.bottom)
    screen.wait_for_phrase("User: Night Nurse", status_bar)


def test_search_lists_both_john_smiths_and_the_chart_shows_demographics(screen: ScreenDriver) -> None:
    main = signed_in(screen)
    _, box = search(screen, main, {"Last Name:": "Smith", "First Name:": "John"})
    lines = [line.text for line in screen.lines(box) if line.text.startswith("SMITH, JOHN")]
    assert len(lines) == 2
    assert any("03/14/1958" in line for line in lines)
    assert any("11/02/1984" in line for line in lines)
    screen.focus(screen.ehr.wait_for_window("Patient Search"))
    screen.key("Escape")

    chart = open_chart(screen, main, "Smith", "SMITH, JOHN A")
    patient = query(screen.ehr.db_path, JOHN_SMITH_1958)[0]
    assert screen.read_field("MRN:", chart) == patient["mrn"]
    assert screen.read_field("DOB:", chart) == "03/14/1958"


def test_saving_vitals_writes_exactly_one_row_and_stamps_the_patient(screen: ScreenDriver) -> None:
    main = signed_in(screen)
    chart = open_chart(screen, main, "Smith", "SMITH, JOHN A")
    patient = query(screen.ehr.db_path, JOHN_SMITH_1958)[0]
    screen.click(screen.wait_for_phrase("Vitals", chart).center)
    screen.click(screen.wait_for_phrase("Add Vitals", chart).center)
    form = screen.ehr.wait_for_window("Vitals Entry")
    screen.fill(
        form,
        {
            "Date:": "07/01/2026",
            "Time:": "09:30",
            "Weight (lb):": "181.5",
            "BP:": "128/82",
            "Temp (°F):": "98.6",
            "Pulse:": "72",
            "SpO2 (%):": "97",
            "Comment:": "pt seated <calm> {ok} 5%",
        },
    )
    screen.press_button("Save", form)
    assert says(dismiss(screen, "Saved"), "Vitals saved")

    rows = query(screen.ehr.db_path, "SELECT * FROM vitals WHERE patient_id = ? AND bp = '128/82'", (patient["id"],))
    assert len(rows) == 1
    row = rows[0]
    assert (row["taken_date"], row["taken_time"], row["weight_lb"], row["temp_f"]) == (
        "2026-07-01",
        "09:30",
        181.5,
        98.6,
    )
    assert (row["pulse"], row["spo2"], row["comment"], row["entered_by"]) == (
        72,
        97,
        "pt seated <calm> {ok} 5%",
        "nurse",
    )
    stamped = query(screen.ehr.db_path, "SELECT updated_at FROM patients WHERE id = ?", (patient["id"],))[0]
    assert stamped["updated_at"] > patient["updated_at"]
    assert screen.find_line("07/01/2026", chart) is not None


def test_bad_vitals_show_an_error_naming_the_field_and_write_nothing(screen: ScreenDriver) -> None:
    main = signed_in(screen)
    chart = open_chart(screen, main, "Smith", "SMITH, JOHN A")
    before = query(screen.ehr.db_path, "SELECT COUNT(*) AS n FROM vitals")[0]["n"]
    screen.click(screen.wait_for_phrase("Vitals", chart).center)
    screen.click(screen.wait_for_phrase("Add Vitals", chart).center)
    form = screen.ehr.wait_for_window("Vitals Entry")
    screen.fill(form, {"Date:": "07/01/2026", "Time:": "09:30", "BP:": "128-82"})
    screen.press_button("Save", form)
    assert says(dismiss(screen, "Error"), "BP must be systolic/diastolic")
    assert screen.ehr.find_windows("Vitals Entry") != []
    assert query(screen.ehr.db_path, "SELECT COUNT(*) AS n FROM vitals")[0]["n"] == before


def test_free_text_with_unicode_and_markup_characters_is_stored_exactly(screen: ScreenDriver) -> None:
    main = signed_in(screen)
    chart = open_chart(screen, main, "Smith", "SMITH, JOHN R")
    patient_id = query(screen.ehr.db_path, "SELECT id FROM patients WHERE dob = '1984-11-02' AND last_name = 'Smith'")
    screen.click(screen.wait_for_phrase("Allergies", chart).center)
    screen.click(screen.wait_for_phrase("Add Allergy", chart).center)
    form = screen.ehr.wait_for_window("Allergy Entry")
    allergen = "Pénicilline <b>{x}</b> 100% > 98.6°F"
    screen.fill(form, {"Allergen:": allergen, "Reaction:": "rash & hives", "Severity:": "Severe"})
    screen.press_button("Save", form)
    assert says(dismiss(screen, "Saved"), "Allergy saved")

    rows = query(
        screen.ehr.db_path,
        "SELECT * FROM allergies WHERE patient_id = ? AND severity = 'Severe'",
        (patient_id[0]["id"],),
    )
    assert [(row["allergen"], row["reaction"]) for row in rows if row["reaction"] == "rash & hives"] == [
        (allergen, "rash & hives")
    ]

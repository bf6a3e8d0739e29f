"""Legacy display and input formats: MM/DD/YYYY, HH:MM, numbers, BP, phone and code patterns."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from practice_ehrs.legacy_web.legacy_format import (
    FormatProblem,
    check_pattern,
    parse_blood_pressure,
    parse_date,
    parse_number,
    parse_time,
    parse_whole_number,
    show_date,
    show_number,
    show_timestamp,
)


def test_display_formats() -> None:
    assert show_date("2026-06-30") == "06/30/2026"
    assert show_date("") == ""
    assert show_timestamp("2026-06-30T08:05:09") == "06/30/2026 08:05"
    assert [show_number(value) for value in (70.0, 98.6, 72, None)] == ["70", "98.6", "72", ""]


def test_dates_parse_only_real_past_calendar_days() -> None:
    assert parse_date("DOB", " 02/29/2024 ") == date(2024, 2, 29)
    tomorrow = (date.today() + timedelta(days=1)).strftime("%m/%d/%Y")
    assert parse_date("Since", tomorrow, allow_future=True) > date.today()
    for text, problem in (
        ("2024-02-29", "DOB must be a date in MM/DD/YYYY format"),
        ("2/9/2024", "DOB must be a date in MM/DD/YYYY format"),
        ("02/30/2023", "DOB is not a valid calendar date"),
        ("12/31/1899", "DOB must not be before 01/01/1900"),
        (tomorrow, "DOB must not be in the future"),
    ):
        with pytest.raises(FormatProblem, match=problem):
            parse_date("DOB", text)


def test_times_numbers_and_blood_pressure() -> None:
    assert parse_time("Time", "23:59") == "23:59"
    assert parse_number("Weight (lb)", "182.4", 0.5, 1000) == 182.4
    assert parse_whole_number("Pulse", "72", 20, 250) == 72
    assert parse_blood_pressure("BP", " 128/82 ") == "128/82"
    for call, problem in (
        (lambda: parse_time("Time", "24:00"), "Time must be a time in HH:MM"),
        (lambda: parse_number("Weight (lb)", "1,000", 0.5, 1000), "Weight \\(lb\\) must be a number"),
        (lambda: parse_number("Temp", "130", 80, 115), "Temp must be between 80 and 115"),
        (lambda: parse_whole_number("Pulse", "72.5", 20, 250), "Pulse must be a whole number"),
        (lambda: parse_blood_pressure("BP", "128-82"), "BP must look like 120/80"),
        (lambda: parse_blood_pressure("BP", "80/120"), "BP is out of range"),
    ):
        with pytest.raises(FormatProblem, match=problem):
            call()


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("phone", "(555) 555-1234", "555-555-1234"),
        ("zip", "05401-1234", "5401"),
        ("state", "VT", "Vt"),
        ("icd10", "E11.9", "E1"),
        ("mrn", "0100046", "A100"),
    ],
)
def test_patterns(kind: str, good: str, bad: str) -> None:
    assert check_pattern("Field", f" {good} ", kind) == good
    with pytest.raises(FormatProblem):
        check_pattern("Field", bad, kind)

"""Form validation: database values out, every problem named by the label of the UI version in use."""

from __future__ import annotations

from practice_ehrs.legacy_web.form_checks import (
    check_allergy,
    check_demographics,
    check_problem,
    check_registration,
    check_vitals,
)


def test_vitals_become_database_values_with_free_text_kept_exactly() -> None:
    checked = check_vitals(
        {"taken_date": "03/04/2025", "taken_time": "14:05", "bp": "128/82", "weight_lb": "", "comment": " a\r\n\tb "},
        ui_version=1,
    )

    assert checked.problems == []
    assert checked.values == {
        "taken_date": "2025-03-04",
        "taken_time": "14:05",
        "weight_lb": None,
        "height_in": None,
        "bp": "128/82",
        "temp_f": None,
        "pulse": None,
        "spo2": None,
        "comment": " a\n\tb ",
    }


def test_vitals_problems_use_the_labels_of_the_ui_version() -> None:
    submitted = {"taken_date": "", "taken_time": "9am", "weight_lb": "heavy", "spo2": "101"}

    assert check_vitals(submitted, ui_version=1).problems == [
        "Date is required",
        "Time must be a time in HH:MM (24 hour) format",
        "Weight (lb) must be a number",
        "SpO2 (%) must be between 50 and 100",
    ]
    assert "Wt (lbs) must be a number" in check_vitals(submitted, ui_version=2).problems


def test_vitals_need_at_least_one_measurement() -> None:
    checked = check_vitals({"taken_date": "03/04/2025", "taken_time": "14:05"}, ui_version=1)

    assert checked.problems == ["Enter at least one measurement"]


def test_allergy_problem_demographics_and_registration() -> None:
    allergy = check_allergy({"allergen": "peanuts - severe", "severity": "Severe", "recorded_date": "01/02/2026"}, 1)
    assert allergy.values == {
        "allergen": "peanuts - severe",
        "reaction": "",
        "severity": "Severe",
        "recorded_date": "2026-01-02",
    }
    assert check_allergy({"allergen": " ", "severity": "Deadly", "recorded_date": "01/02/2026"}, 2).problems == [
        "Substance is required",
        "Severity must be one of Mild, Moderate, Severe, Unknown",
    ]
    problem = check_problem({"description": "Asthma", "icd10": "", "onset_date": "", "status": "Active"}, 1)
    assert problem.values == {"description": "Asthma", "icd10": "", "onset_date": "", "status": "Active"}
    demographics = check_demographics(
        {"phone": "", "address_line": "1 Main St", "city": "X", "state": "", "zip": ""}, 1
    )
    assert demographics.values == {"phone": "", "address_line": "1 Main St", "city": "X", "state": "", "zip": ""}
    registration = check_registration({"last_name": "O'Brien", "first_name": "Zoë", "dob": "01/31/1990", "sex": "U"}, 1)
    assert registration.problems == []
    assert registration.values["dob"] == "1990-01-31"
    assert check_registration(
        {"last_name": "x" * 61, "first_name": "A", "dob": "01/31/1990", "sex": "M"}, 1
    ).problems == ["Last Name must be at most 60 characters"]

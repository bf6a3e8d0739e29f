"""Form input checks of the desktop EHR: what is refused (with the field named) and what is kept exactly."""

from __future__ import annotations

import pytest

from practice_ehrs.legacy_desktop.validation import (
    InputError,
    parse_blood_pressure,
    parse_date,
    validate_allergy,
    validate_contact,
    validate_problem,
    validate_registration,
    validate_vitals,
)

VITALS = {
    "date": "07/01/2026",
    "time": "9:05",
    "weight": "181.5",
    "height": "",
    "bp": " 128/82 ",
    "temp": "98.6",
    "pulse": "72",
    "spo2": "",
    "comment": "",
}
CONTACT = {"phone": "(555) 123-4567", "address": "1 Main St", "city": "Springfield", "state": "oh", "zip": "45501"}


def test_dates_are_mm_dd_yyyy_and_never_in_the_future() -> None:
    assert parse_date("03/14/1958", "DOB") == "1958-03-14"
    assert parse_date("", "Onset Date", required=False) == ""
    with pytest.raises(InputError, match="DOB must be a valid date as MM/DD/YYYY"):
        parse_date("1958-03-14", "DOB")
    with pytest.raises(InputError, match="DOB cannot be in the future"):
        parse_date("01/01/2999", "DOB")
    with pytest.raises(InputError, match="Date is required"):
        parse_date("  ", "Date")


def test_blood_pressure_needs_systolic_over_a_lower_diastolic() -> None:
    assert parse_blood_pressure("128/82") == "128/82"
    for bad in ("128-82", "82/128", "128/", "999/80"):
        with pytest.raises(InputError, match="BP"):
            parse_blood_pressure(bad)


def test_vitals_are_converted_and_checked_field_by_field() -> None:
    vitals = validate_vitals(VITALS)
    assert (vitals.taken_date, vitals.taken_time, vitals.bp) == ("2026-07-01", "09:05", "128/82")
    assert (vitals.weight_lb, vitals.height_in, vitals.temp_f, vitals.pulse, vitals.spo2) == (
        181.5,
        None,
        98.6,
        72,
        None,
    )
    with pytest.raises(InputError, match=r"Weight \(lb\) must be a number"):
        validate_vitals({**VITALS, "weight": "heavy"})
    with pytest.raises(InputError, match="Pulse must be a whole number"):
        validate_vitals({**VITALS, "pulse": "72.5"})
    with pytest.raises(InputError, match="Temp"):
        validate_vitals({**VITALS, "temp": "150"})
    empty = {**VITALS, "weight": "", "bp": "", "temp": "", "pulse": ""}
    with pytest.raises(InputError, match="at least one measurement"):
        validate_vitals(empty)


def test_free_text_is_kept_exactly_as_typed() -> None:
    text = "  Pénicilline <b>{x}</b> 100% 98.6°F  "
    allergy = validate_allergy({"allergen": text, "reaction": "", "severity": "Severe"})
    assert allergy.allergen == text
    with pytest.raises(InputError, match="Allergen is required"):
        validate_allergy({"allergen": "   ", "reaction": "", "severity": "Mild"})
    with pytest.raises(InputError, match="Severity must be one of"):
        validate_allergy({"allergen": "latex", "reaction": "", "severity": "Awful"})
    with pytest.raises(InputError, match="too long"):
        validate_allergy({"allergen": "x" * 201, "reaction": "", "severity": "Mild"})


def test_problems_take_an_optional_icd10_code_and_onset() -> None:
    problem = validate_problem({"description": "Type 2 diabetes", "icd10": "e11.9", "onset": "", "status": "Active"})
    assert (problem.icd10, problem.onset_date) == ("E11.9", "")
    with pytest.raises(InputError, match="ICD-10"):
        validate_problem({"description": "x", "icd10": "diabetes", "onset": "", "status": "Active"})


def test_contact_details_are_normalised_or_refused() -> None:
    contact = validate_contact(CONTACT)
    assert (contact.state, contact.zip) == ("OH", "45501")
    with pytest.raises(InputError, match="Phone must have 10 digits"):
        validate_contact({**CONTACT, "phone": "555-1234"})
    with pytest.raises(InputError, match="State"):
        validate_contact({**CONTACT, "state": "Ohio"})
    with pytest.raises(InputError, match="ZIP"):
        validate_contact({**CONTACT, "zip": "4550"})


def test_registration_needs_names_dob_and_sex() -> None:
    form = {**CONTACT, "last_name": "Nguyễn", "first_name": "Zoë", "middle_name": "", "dob": "01/31/1990", "sex": "F"}
    patient = validate_registration(form)
    assert (patient.last_name, patient.first_name, patient.dob, patient.sex) == ("Nguyễn", "Zoë", "1990-01-31", "F")
    with pytest.raises(InputError, match="Sex must be one of: M, F, U"):
        validate_registration({**form, "sex": "X"})
    with pytest.raises(InputError, match="Last Name is required"):
        validate_registration({**form, "last_name": ""})

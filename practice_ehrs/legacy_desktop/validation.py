"""Check what a user typed into the desktop EHR's forms and turn it into values to store.

Every problem raises `InputError` with a message that names the field, shown to the user in a modal dialog.
Free text is kept exactly as typed; only structured values (dates, numbers, codes) are trimmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

SEVERITIES = ("Mild", "Moderate", "Severe", "Unknown")
PROBLEM_STATUSES = ("Active", "Inactive", "Resolved")
SEXES = ("M", "F", "U")
MAX_TEXT_LENGTH = 200
ICD10_PATTERN = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
BP_PATTERN = re.compile(r"^(\d{2,3})/(\d{2,3})$")
STATE_PATTERN = re.compile(r"^[A-Z]{2}$")
ZIP_PATTERN = re.compile(r"^\d{5}(-\d{4})?$")


class InputError(ValueError):
    """A form value the EHR refuses; the message names the field and says what is expected."""


def parse_date(text: str, field: str, required: bool = True) -> str:
    """MM/DD/YYYY as typed -> ISO date; never in the future. Empty gives "" when not required."""
    value = text.strip()
    if not value:
        if required:
            raise InputError(f"{field} is required (MM/DD/YYYY).")
        return ""
    try:
        parsed = datetime.strptime(value, "%m/%d/%Y").date()
    except ValueError:
        raise InputError(f"{field} must be a valid date as MM/DD/YYYY.") from None
    if parsed > date.today():
        raise InputError(f"{field} cannot be in the future.")
    if parsed.year < 1900:
        raise InputError(f"{field} must be after 1900.")
    return parsed.isoformat()


def parse_time(text: str, field: str) -> str:
    """HH:MM (24-hour) as typed -> "HH:MM"."""
    value = text.strip()
    try:
        return datetime.strptime(value, "%H:%M").strftime("%H:%M")
    except ValueError:
        raise InputError(f"{field} must be a time as HH:MM (24-hour).") from None


def parse_number(text: str, field: str, low: float, high: float) -> float | None:
    """An optional number within [low, high]; empty gives None."""
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"{field} must be a number.") from None
    if not low <= number <= high:
        raise InputError(f"{field} must be between {low:g} and {high:g}.")
    return number


def parse_whole_number(text: str, field: str, low: int, high: int) -> int | None:
    """An optional whole number within [low, high]; empty gives None."""
    number = parse_number(text, field, low, high)
    if number is None:
        return None
    if not number.is_integer():
        raise InputError(f"{field} must be a whole number.")
    return int(number)


def parse_blood_pressure(text: str) -> str:
    """An optional "systolic/diastolic" reading such as 128/82."""
    value = text.strip()
    if not value:
        return ""
    match = BP_PATTERN.match(value)
    if match is None:
        raise InputError("BP must be systolic/diastolic, e.g. 128/82.")
    systolic, diastolic = int(match.group(1)), int(match.group(2))
    if not (50 <= systolic <= 300 and 20 <= diastolic <= 200 and diastolic < systolic):
        raise InputError("BP is out of range (systolic 50-300, diastolic 20-200, below systolic).")
    return f"{systolic}/{diastolic}"


def free_text(text: str, field: str, required: bool = False) -> str:
    """Free text kept exactly as typed; whitespace alone counts as empty."""
    if required and not text.strip():
        raise InputError(f"{field} is required.")
    if len(text) > MAX_TEXT_LENGTH:
        raise InputError(f"{field} is too long (at most {MAX_TEXT_LENGTH} characters).")
    return text if text.strip() else ""


def choice(text: str, field: str, allowed: tuple[str, ...]) -> str:
    """One of a fixed list of values."""
    if text not in allowed:
        raise InputError(f"{field} must be one of: {', '.join(allowed)}.")
    return text


@dataclass(frozen=True)
class VitalsInput:
    taken_date: str
    taken_time: str
    weight_lb: float | None
    height_in: float | None
    bp: str
    temp_f: float | None
    pulse: int | None
    spo2: int | None
    comment: str


def validate_vitals(form: dict[str, str]) -> VitalsInput:
    """Vitals as typed -> values to store; at least one measurement is required."""
    vitals = VitalsInput(
        taken_date=parse_date(form["date"], "Date"),
        taken_time=parse_time(form["time"], "Time"),
        weight_lb=parse_number(form["weight"], "Weight (lb)", 1, 1500),
        height_in=parse_number(form["height"], "Height (in)", 10, 108),
        bp=parse_blood_pressure(form["bp"]),
        temp_f=parse_number(form["temp"], "Temp (°F)", 85, 115),
        pulse=parse_whole_number(form["pulse"], "Pulse", 20, 250),
        spo2=parse_whole_number(form["spo2"], "SpO2 (%)", 50, 100),
        comment=free_text(form["comment"], "Comment"),
    )
    measurements = (vitals.weight_lb, vitals.height_in, vitals.temp_f, vitals.pulse, vitals.spo2)
    if all(value is None for value in measurements) and not vitals.bp:
        raise InputError("Enter at least one measurement.")
    return vitals


@dataclass(frozen=True)
class AllergyInput:
    allergen: str
    reaction: str
    severity: str


def validate_allergy(form: dict[str, str]) -> AllergyInput:
    return AllergyInput(
        allergen=free_text(form["allergen"], "Allergen", required=True),
        reaction=free_text(form["reaction"], "Reaction"),
        severity=choice(form["severity"], "Severity", SEVERITIES),
    )


@dataclass(frozen=True)
class ProblemInput:
    description: str
    icd10: str
    onset_date: str
    status: str


def validate_problem(form: dict[str, str]) -> ProblemInput:
    code = form["icd10"].strip().upper()
    if code and ICD10_PATTERN.match(code) is None:
        raise InputError("ICD-10 code must look like E11.9 (letter, two characters, optional dot part).")
    return ProblemInput(
        description=free_text(form["description"], "Description", required=True),
        icd10=code,
        onset_date=parse_date(form["onset"], "Onset Date", required=False),
        status=choice(form["status"], "Status", PROBLEM_STATUSES),
    )


@dataclass(frozen=True)
class ContactInput:
    phone: str
    address_line: str
    city: str
    state: str
    zip: str


def validate_contact(form: dict[str, str]) -> ContactInput:
    """Phone and address as edited on the demographics form (or typed at registration)."""
    phone = form["phone"].strip()
    if phone and len(re.sub(r"\D", "", phone)) != 10:
        raise InputError("Phone must have 10 digits, e.g. (555) 123-4567.")
    state = form["state"].strip().upper()
    if state and STATE_PATTERN.match(state) is None:
        raise InputError("State must be a two-letter code, e.g. OH.")
    zip_code = form["zip"].strip()
    if zip_code and ZIP_PATTERN.match(zip_code) is None:
        raise InputError("ZIP must be 5 digits or ZIP+4 (12345-6789).")
    return ContactInput(
        phone=phone,
        address_line=free_text(form["address"], "Address"),
        city=free_text(form["city"], "City"),
        state=state,
        zip=zip_code,
    )


@dataclass(frozen=True)
class RegistrationInput:
    last_name: str
    first_name: str
    middle_name: str
    dob: str
    sex: str
    contact: ContactInput


def validate_registration(form: dict[str, str]) -> RegistrationInput:
    return RegistrationInput(
        last_name=free_text(form["last_name"], "Last Name", required=True),
        first_name=free_text(form["first_name"], "First Name", required=True),
        middle_name=free_text(form["middle_name"], "Middle Name"),
        dob=parse_date(form["dob"], "DOB"),
        sex=choice(form["sex"], "Sex", SEXES),
        contact=validate_contact(form),
    )

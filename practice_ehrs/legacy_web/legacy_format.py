"""The legacy formats the practice web EHR shows and accepts: MM/DD/YYYY dates, HH:MM times, numbers, phones.

Parsers raise `FormatProblem` with a message fit for the red error banner (it names the field, never the value).
"""

from __future__ import annotations

import re
from datetime import date, datetime

_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_BLOOD_PRESSURE = re.compile(r"(\d{2,3})/(\d{2,3})")
_PHONE = re.compile(r"\(\d{3}\) \d{3}-\d{4}")
_ZIP = re.compile(r"\d{5}(-\d{4})?")
_STATE = re.compile(r"[A-Z]{2}")
_ICD10 = re.compile(r"[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?")
_MRN = re.compile(r"\d{1,10}")

EARLIEST_DATE = date(1900, 1, 1)


class FormatProblem(ValueError):
    """A value that does not have the format or range its field needs."""


def show_date(iso: str) -> str:
    """`2026-06-30` -> `06/30/2026`; anything else (such as an empty onset date) unchanged."""
    try:
        return date.fromisoformat(iso).strftime("%m/%d/%Y")
    except ValueError:
        return iso


def show_timestamp(iso: str) -> str:
    """`2026-06-30T08:00:00` -> `06/30/2026 08:00`."""
    try:
        return datetime.fromisoformat(iso).strftime("%m/%d/%Y %H:%M")
    except ValueError:
        return iso


def show_number(value: float | int | None) -> str:
    """A measurement as a 2004 screen shows it: no trailing `.0`, blank when missing."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_date(label: str, text: str, *, allow_future: bool = False) -> date:
    """Parse MM/DD/YYYY; the date must exist, not be before 1900 and (unless allowed) not be in the future."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise FormatProblem(f"{label} must be a date in MM/DD/YYYY format")
    month, day, year = (int(part) for part in match.groups())
    try:
        parsed = date(year, month, day)
    except ValueError as error:
        raise FormatProblem(f"{label} is not a valid calendar date") from error
    if parsed < EARLIEST_DATE:
        raise FormatProblem(f"{label} must not be before 01/01/1900")
    if not allow_future and parsed > date.today():
        raise FormatProblem(f"{label} must not be in the future")
    return parsed


def parse_time(label: str, text: str) -> str:
    """Parse a 24-hour HH:MM time and return it unchanged."""
    if _TIME.fullmatch(text.strip()) is None:
        raise FormatProblem(f"{label} must be a time in HH:MM (24 hour) format")
    return text.strip()


def parse_number(label: str, text: str, low: float, high: float) -> float:
    """A decimal number within [low, high]."""
    try:
        value = float(text.strip())
    except ValueError as error:
        raise FormatProblem(f"{label} must be a number") from error
    if not low <= value <= high:
        raise FormatProblem(f"{label} must be between {show_number(low)} and {show_number(high)}")
    return value


def parse_whole_number(label: str, text: str, low: int, high: int) -> int:
    """A whole number within [low, high]."""
    if not text.strip().isdigit():
        raise FormatProblem(f"{label} must be a whole number")
    value = int(text.strip())
    if not low <= value <= high:
        raise FormatProblem(f"{label} must be between {low} and {high}")
    return value


def parse_blood_pressure(label: str, text: str) -> str:
    """`128/82`: systolic 50-300 over diastolic 20-200, systolic above diastolic."""
    match = _BLOOD_PRESSURE.fullmatch(text.strip())
    if match is None:
        raise FormatProblem(f"{label} must look like 120/80")
    systolic, diastolic = int(match.group(1)), int(match.group(2))
    if not (50 <= systolic <= 300 and 20 <= diastolic <= 200 and systolic > diastolic):
        raise FormatProblem(f"{label} is out of range")
    return f"{systolic}/{diastolic}"


def check_pattern(label: str, text: str, kind: str) -> str:
    """Check a phone, zip, state, ICD-10 code or MRN against its legacy format; returns the trimmed text."""
    patterns = {
        "phone": (_PHONE, "must look like (555) 555-1234"),
        "zip": (_ZIP, "must be 5 digits or ZIP+4"),
        "state": (_STATE, "must be a two-letter state code"),
        "icd10": (_ICD10, "must be an ICD-10 code such as E11.9"),
        "mrn": (_MRN, "must contain digits only"),
    }
    pattern, requirement = patterns[kind]
    if pattern.fullmatch(text.strip()) is None:
        raise FormatProblem(f"{label} {requirement}")
    return text.strip()

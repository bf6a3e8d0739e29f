"""Validate the practice web EHR's entry forms and turn what was typed into database values.

Free text is kept exactly as typed (only the browser's CRLF line breaks become LF); formatted fields are
trimmed and checked. Every problem found is reported, each naming its field by the label on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from practice_ehrs.legacy_web.layouts import FORMS, PROBLEM_STATUSES, SEVERITIES, SEXES
from practice_ehrs.legacy_web.legacy_format import (
    FormatProblem,
    check_pattern,
    parse_blood_pressure,
    parse_date,
    parse_number,
    parse_time,
    parse_whole_number,
)

T = TypeVar("T")
MAX_SHORT_TEXT = 200
MAX_LONG_TEXT = 2000


@dataclass
class CheckedForm:
    """The database values of a form, or the problems that stop it being saved."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class _Checker:
    def __init__(self, form: str, submitted: Mapping[str, str], ui_version: int) -> None:
        self.spec = FORMS[form]
        self.submitted = submitted
        self.ui_version = ui_version
        self.result = CheckedForm()

    def label(self, name: str) -> str:
        return self.spec.label(name, self.ui_version)

    def raw(self, name: str) -> str:
        return self.submitted.get(name, "").replace("\r\n", "\n")

    def text(self, name: str, *, required: bool = False, limit: int = MAX_SHORT_TEXT) -> None:
        value = self.raw(name)
        if required and not value.strip():
            self.result.problems.append(f"{self.label(name)} is required")
        elif len(value) > limit:
            self.result.problems.append(f"{self.label(name)} must be at most {limit} characters")
        else:
            self.result.values[name] = value

    def choice(self, name: str, options: tuple[str, ...]) -> None:
        value = self.raw(name)
        if value not in options:
            self.result.problems.append(f"{self.label(name)} must be one of {', '.join(options)}")
        else:
            self.result.values[name] = value

    def parsed(self, name: str, parser: Callable[[str, str], T], *, required: bool = False) -> None:
        """Run `parser(label, text)`; a blank optional field becomes None (numbers) or '' (text)."""
        value = self.raw(name)
        if not value.strip():
            if required:
                self.result.problems.append(f"{self.label(name)} is required")
            else:
                self.result.values[name] = None
            return
        try:
            self.result.values[name] = parser(self.label(name), value)
        except FormatProblem as problem:
            self.result.problems.append(str(problem))


def _iso_date(label: str, text: str) -> str:
    return parse_date(label, text).isoformat()


def _pattern(kind: str) -> Callable[[str, str], str]:
    return lambda label, text: check_pattern(label, text, kind)


def _address(checker: _Checker) -> None:
    checker.parsed("phone", _pattern("phone"))
    checker.text("address_line")
    checker.text("city", limit=60)
    checker.parsed("state", _pattern("state"))
    checker.parsed("zip", _pattern("zip"))
    for name in ("phone", "state", "zip"):
        if checker.result.values.get(name, "") is None:
            checker.result.values[name] = ""


def check_vitals(submitted: Mapping[str, str], ui_version: int) -> CheckedForm:
    checker = _Checker("vitals", submitted, ui_version)
    checker.parsed("taken_date", _iso_date, required=True)
    checker.parsed("taken_time", parse_time, required=True)
    checker.parsed("weight_lb", lambda label, text: parse_number(label, text, 0.5, 1000))
    checker.parsed("height_in", lambda label, text: parse_number(label, text, 8, 108))
    checker.parsed("bp", parse_blood_pressure)
    checker.parsed("temp_f", lambda label, text: parse_number(label, text, 80, 115))
    checker.parsed("pulse", lambda label, text: parse_whole_number(label, text, 20, 250))
    checker.parsed("spo2", lambda label, text: parse_whole_number(label, text, 50, 100))
    checker.text("comment", limit=MAX_LONG_TEXT)
    measured = ("weight_lb", "height_in", "bp", "temp_f", "pulse", "spo2")
    if not checker.result.problems and all(checker.result.values[name] is None for name in measured):
        checker.result.problems.append("Enter at least one measurement")
    if checker.result.values.get("bp", "") is None:
        checker.result.values["bp"] = ""
    return checker.result


def check_allergy(submitted: Mapping[str, str], ui_version: int) -> CheckedForm:
    checker = _Checker("allergy", submitted, ui_version)
    checker.text("allergen", required=True)
    checker.text("reaction")
    checker.choice("severity", SEVERITIES)
    checker.parsed("recorded_date", _iso_date, required=True)
    return checker.result


def check_problem(submitted: Mapping[str, str], ui_version: int) -> CheckedForm:
    checker = _Checker("problem", submitted, ui_version)
    checker.text("description", required=True)
    checker.parsed("icd10", _pattern("icd10"))
    checker.parsed("onset_date", _iso_date)
    checker.choice("status", PROBLEM_STATUSES)
    for name in ("icd10", "onset_date"):
        if checker.result.values.get(name, "") is None:
            checker.result.values[name] = ""
    return checker.result


def check_demographics(submitted: Mapping[str, str], ui_version: int) -> CheckedForm:
    checker = _Checker("demographics", submitted, ui_version)
    _address(checker)
    return checker.result


def check_registration(submitted: Mapping[str, str], ui_version: int) -> CheckedForm:
    checker = _Checker("register", submitted, ui_version)
    checker.text("last_name", required=True, limit=60)
    checker.text("first_name", required=True, limit=60)
    checker.text("middle_name", limit=60)
    checker.parsed("dob", _iso_date, required=True)
    checker.choice("sex", SEXES)
    _address(checker)
    return checker.result

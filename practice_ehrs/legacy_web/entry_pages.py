"""Data-entry pages of the practice web EHR: add vitals, an allergy or a problem, and edit demographics.

Each form posts back to its own URL; invalid input re-shows the form with the red error banner, valid input is
written once and answered with the "Record saved" page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from practice_ehrs.legacy_web.chart_pages import chart_patient, patient_not_found, render_chart
from practice_ehrs.legacy_web.form_checks import (
    CheckedForm,
    check_allergy,
    check_demographics,
    check_problem,
    check_vitals,
)
from practice_ehrs.legacy_web.records import add_allergy, add_problem, add_vitals, update_demographics
from practice_ehrs.legacy_web.web_kit import PageContext, clinical_page, render


@dataclass(frozen=True)
class EntryScreen:
    form: str
    tab: str
    path: str
    what: str
    check: Callable[[Mapping[str, str], int], CheckedForm]
    save: Callable[[PageContext, int, dict[str, Any]], object]
    defaults: Callable[[sqlite3.Row], dict[str, str]]


def _today_defaults(*names: str) -> Callable[[sqlite3.Row], dict[str, str]]:
    def defaults(patient: sqlite3.Row) -> dict[str, str]:
        now = datetime.now()
        values = {name: now.strftime("%m/%d/%Y") for name in names}
        values["taken_time"] = now.strftime("%H:%M")
        return values

    return defaults


def _current_address(patient: sqlite3.Row) -> dict[str, str]:
    return {name: patient[name] for name in ("phone", "address_line", "city", "state", "zip")}


SCREENS = (
    EntryScreen(
        "vitals",
        "vitals",
        "vitals/new",
        "vital signs record",
        check_vitals,
        lambda page, patient_id, values: add_vitals(page.db, patient_id, values, page.session.username),
        _today_defaults("taken_date"),
    ),
    EntryScreen(
        "allergy",
        "allergies",
        "allergies/new",
        "allergy",
        check_allergy,
        lambda page, patient_id, values: add_allergy(page.db, patient_id, values),
        _today_defaults("recorded_date"),
    ),
    EntryScreen(
        "problem",
        "problems",
        "problems/new",
        "problem",
        check_problem,
        lambda page, patient_id, values: add_problem(page.db, patient_id, values),
        lambda patient: {"status": "Active"},
    ),
    EntryScreen(
        "demographics",
        "demographics",
        "demographics/edit",
        "demographic change",
        check_demographics,
        lambda page, patient_id, values: update_demographics(page.db, patient_id, values),
        _current_address,
    ),
)


def _entry_endpoints(screen: EntryScreen) -> tuple[Any, Any]:
    def show_form(page: PageContext, patient: sqlite3.Row, values: Mapping[str, str], problems: list[str]) -> Response:
        return render_chart(
            page,
            patient,
            screen.tab,
            "entry_form.html",
            form=screen.form,
            values=values,
            problems=problems,
            action=f"/chart/{patient['id']}/{screen.path}",
            cancel_url=f"/chart/{patient['id']}/{screen.tab}",
        )

    def blank_form(page: PageContext) -> Response:
        patient = chart_patient(page)
        if patient is None:
            return patient_not_found(page)
        return show_form(page, patient, screen.defaults(patient), [])

    def save(page: PageContext) -> Response:
        patient = chart_patient(page)
        if patient is None:
            return patient_not_found(page)
        checked = screen.check(page.form, page.ui_version)
        if checked.problems:
            return show_form(page, patient, page.form, checked.problems)
        screen.save(page, patient["id"], checked.values)
        return render(page.request, "saved.html", what=screen.what, back_url=f"/chart/{patient['id']}/{screen.tab}")

    blank_form.__name__ = f"{screen.form}_form"
    save.__name__ = f"save_{screen.form}"
    return clinical_page(blank_form), clinical_page(save)


def _routes() -> list[Route]:
    routes: list[Route] = []
    for screen in SCREENS:
        blank_form, save = _entry_endpoints(screen)
        routes.append(Route(f"/chart/{{patient_id}}/{screen.path}", blank_form, methods=["GET"]))
        routes.append(Route(f"/chart/{{patient_id}}/{screen.path}", save, methods=["POST"]))
    return routes


routes = _routes()

"""The patient chart of the practice web EHR: one page per tab, each under the patient banner."""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from practice_ehrs.legacy_web.records import chart_rows, get_patient, lab_page
from practice_ehrs.legacy_web.ui_words import tabs, words
from practice_ehrs.legacy_web.views import display_row
from practice_ehrs.legacy_web.web_kit import PageContext, clinical_page, page_number, render

RECENT_LAB_COUNT = 5


def chart_patient(page: PageContext) -> sqlite3.Row | None:
    """The patient named by the URL, or None when the id is not a known patient."""
    text = str(page.request.path_params.get("patient_id", ""))
    return get_patient(page.db, int(text)) if text.isdigit() else None


def patient_not_found(page: PageContext) -> Response:
    return render(page.request, "not_found.html", status_code=404, message="Patient not found.")


def render_chart(page: PageContext, patient: sqlite3.Row, tab: str, template: str, **context: Any) -> Response:
    """Render a chart page: banner with name, MRN, DOB and sex, the tab strip, then the tab's content."""
    tab_titles = dict(tabs(page.ui_version))
    return render(
        page.request,
        template,
        patient=display_row(patient),
        tab=tab,
        tabs=tabs(page.ui_version),
        tab_title=tab_titles.get(tab, ""),
        **context,
    )


@clinical_page
def demographics(page: PageContext) -> Response:
    patient = chart_patient(page)
    if patient is None:
        return patient_not_found(page)
    return render_chart(page, patient, "demographics", "demographics.html", details_row=display_row(patient))


def _section(tab: str, add_form: str | None) -> Any:
    def section(page: PageContext) -> Response:
        patient = chart_patient(page)
        if patient is None:
            return patient_not_found(page)
        context: dict[str, Any] = {"paging": None, "add_link": None}
        if add_form:
            context["add_link"] = (f"/chart/{patient['id']}/{tab}/new", words(page.ui_version)[f"add_{add_form}"])
        if tab == "labs":
            labs = lab_page(page.db, patient["id"], page_number(page.request))
            context["paging"] = labs
            rows = labs.rows
        else:
            rows = chart_rows(page.db, tab, patient["id"])
        if tab == "vitals":
            recent = chart_rows(page.db, "labs", patient["id"])[:RECENT_LAB_COUNT]
            context["recent_labs"] = [display_row(row) for row in recent]
        return render_chart(
            page, patient, tab, "chart_section.html", rows=[display_row(row) for row in rows], **context
        )

    section.__name__ = f"{tab}_tab"
    return clinical_page(section)


routes = [
    Route("/chart/{patient_id}/demographics", demographics, methods=["GET"]),
    Route("/chart/{patient_id}/visits", _section("visits", None), methods=["GET"]),
    Route("/chart/{patient_id}/problems", _section("problems", "problem"), methods=["GET"]),
    Route("/chart/{patient_id}/allergies", _section("allergies", "allergy"), methods=["GET"]),
    Route("/chart/{patient_id}/medications", _section("medications", None), methods=["GET"]),
    Route("/chart/{patient_id}/vitals", _section("vitals", "vitals"), methods=["GET"]),
    Route("/chart/{patient_id}/labs", _section("labs", None), methods=["GET"]),
]

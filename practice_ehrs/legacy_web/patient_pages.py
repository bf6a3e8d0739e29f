"""Patient-level pages of the practice web EHR: search, registration and the recent-activity worklist."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from practice_ehrs.legacy_web.form_checks import check_registration
from practice_ehrs.legacy_web.layouts import FORMS
from practice_ehrs.legacy_web.legacy_format import FormatProblem, check_pattern, parse_date
from practice_ehrs.legacy_web.records import recently_updated, register_patient, search_patients
from practice_ehrs.legacy_web.views import display_row
from practice_ehrs.legacy_web.web_kit import PageContext, clinical_page, page_number, render

SEARCH_KEYS = ("last", "first", "dob", "mrn")


def _checked_criteria(criteria: dict[str, str], ui_version: int) -> tuple[dict[str, str], list[str]]:
    """Database-ready criteria and the problems with what was typed."""
    spec = FORMS["search"]
    ready = {key: value.strip() for key, value in criteria.items() if value.strip()}
    problems: list[str] = []
    if not ready:
        problems.append("Please enter at least one search criterion")
    try:
        if "dob" in ready:
            ready["dob"] = parse_date(spec.label("dob", ui_version), ready["dob"], allow_future=True).isoformat()
        if "mrn" in ready:
            check_pattern(spec.label("mrn", ui_version), ready["mrn"], "mrn")
    except FormatProblem as problem:
        problems.append(str(problem))
    return ready, problems


@clinical_page
def search(page: PageContext) -> Response:
    query = page.request.query_params
    criteria = {key: query.get(key, "") for key in SEARCH_KEYS}
    context: dict[str, Any] = {"criteria": criteria, "problems": [], "results": None, "rows": [], "results_url": ""}
    if query.get("go"):
        ready, problems = _checked_criteria(criteria, page.ui_version)
        context["problems"] = problems
        if not problems:
            results = search_patients(page.db, ready, page_number(page.request))
            context["results"] = results
            context["rows"] = [display_row(row) for row in results.rows]
            context["results_url"] = "/search?" + urlencode({**criteria, "go": "1"})
    return render(page.request, "search.html", **context)


def _registration_form(page: PageContext, values: dict[str, str], problems: list[str]) -> Response:
    return render(
        page.request,
        "entry_form.html",
        form="register",
        patient=None,
        values=values,
        problems=problems,
        action="/patients/new",
        cancel_url="/search",
    )


@clinical_page
def registration_form(page: PageContext) -> Response:
    return _registration_form(page, {}, [])


@clinical_page
def register(page: PageContext) -> Response:
    checked = check_registration(page.form, page.ui_version)
    if checked.problems:
        return _registration_form(page, page.form, checked.problems)
    patient_id = register_patient(page.db, checked.values)
    return render(page.request, "saved.html", what="patient registration", back_url=f"/chart/{patient_id}/demographics")


@clinical_page
def activity(page: PageContext) -> Response:
    since = page.request.query_params.get("since", "")
    context: dict[str, Any] = {"since": since, "problems": [], "results": None, "rows": [], "results_url": ""}
    if since:
        try:
            since_iso = parse_date("Date", since, allow_future=True).isoformat()
        except FormatProblem as problem:
            context["problems"] = [str(problem)]
        else:
            results = recently_updated(page.db, since_iso, page_number(page.request))
            context["results"] = results
            context["rows"] = [display_row(row) for row in results.rows]
            context["results_url"] = "/activity?" + urlencode({"since": since})
    return render(page.request, "activity.html", **context)


routes = [
    Route("/search", search, methods=["GET"]),
    Route("/patients/new", registration_form, methods=["GET"]),
    Route("/patients/new", register, methods=["POST"]),
    Route("/activity", activity, methods=["GET"]),
]

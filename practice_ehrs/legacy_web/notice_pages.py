"""The maintenance notice page of the practice web EHR and its Acknowledge button (see maintenance_notice)."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from practice_ehrs.legacy_web.maintenance_notice import NOTICE_PATH, safe_next
from practice_ehrs.legacy_web.web_kit import PageContext, clinical_page, render


@clinical_page
def notice(page: PageContext) -> Response:
    return render(page.request, "notice.html", next_url=safe_next(page.request.query_params.get("next", "")))


@clinical_page
def acknowledge(page: PageContext) -> Response:
    page.session.notice_pending = False
    page.session.notice_acknowledged = True
    return RedirectResponse(safe_next(page.form.get("next", "")), status_code=303)


routes = [
    Route(NOTICE_PATH, notice, methods=["GET"]),
    Route(NOTICE_PATH, acknowledge, methods=["POST"]),
]

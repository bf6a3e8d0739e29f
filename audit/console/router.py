"""The console's routes: runs list, run page with filmstrip, annotated screenshots, Provenance, export.

No `from __future__ import annotations` here: the routes' `Auditor` annotation is local to `console_router`,
and FastAPI can only resolve it if annotations are evaluated where the routes are defined.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, select_autoescape

from audit.annotate import annotate_step, focus, neighbour_boxes, thumbnail
from audit.blobstore import ScreenshotMismatch, ScreenshotMissing
from audit.chain import RecordKind
from audit.console.auth import (
    COOKIE_NAME,
    NotAnAuditor,
    require_auditor,
    set_console_cookie,
    verify_token,
    viewer_name,
)
from audit.console.filters import PAGE_SIZE, parse_list_query
from audit.export import export_run_html, recorded_response
from audit.fhir_resources import fhir_id, provenance_for
from audit.outcome import OUTCOME_LABELS
from audit.queries import read_provenance
from audit.runs import distinct_values, interrupted_runs, list_runs
from audit.trail import AuditTrail
from audit.verify import verify_run
from fhir_facade.auth import Principal
from fhir_facade.auth.tokens import InvalidAccessToken

# Pages carry PHI and take no script at all; images come only from the console itself.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

_templates = Environment(
    loader=PackageLoader("audit.console", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


class _RenewingRoute(APIRoute):
    """A console route whose response carries the session's renewed token, when `require_auditor` made one."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def renewing(request: Request) -> Response:
            response = await handler(request)
            renewed = getattr(request.state, "renewed_console_token", None)
            if renewed is not None:
                set_console_cookie(response, request, renewed)
            return response

        return renewing


def _page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _templates.get_template(template).render(outcome_labels=OUTCOME_LABELS, **context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _access_log(trail: AuditTrail, run_id: str) -> list[tuple[str, str, str]]:
    """Who opened, exported or queried this run (newest first): the chain's view records for it alone."""
    entries = []
    for record in trail.run_records(run_id):
        if record.kind == RecordKind.VIEW and record.payload is not None:
            payload = json.loads(record.payload)
            entries.append((record.recorded_at[:19].replace("T", " "), str(payload["viewer"]), str(payload["via"])))
    return entries[::-1]


def console_router(trail: AuditTrail, auditor_role: str = "auditor") -> APIRouter:
    """The console under /audit, reading `trail`; every page view is recorded in the chain."""
    router = APIRouter(prefix="/audit", tags=["audit console"], include_in_schema=False, route_class=_RenewingRoute)
    Auditor = Annotated[Principal, Depends(require_auditor(auditor_role))]

    @router.get("/login")
    def login_form() -> HTMLResponse:
        return _page("login.html")

    @router.post("/login")
    def login(request: Request, token: Annotated[str, Form()] = "") -> Response:
        try:
            verify_token(request, token.strip(), auditor_role)
        except InvalidAccessToken:
            return _page("login.html", 401, error="That access token is invalid or has expired.")
        except NotAnAuditor:
            return _page("login.html", 403, error=f"That token does not carry the '{auditor_role}' role.")
        response = RedirectResponse("/audit/runs", status_code=303, headers=SECURITY_HEADERS)
        set_console_cookie(response, request, token.strip())
        return response

    @router.post("/logout")
    def logout() -> Response:
        response = RedirectResponse("/audit/login", status_code=303, headers=SECURITY_HEADERS)
        response.delete_cookie(COOKIE_NAME, path="/audit")
        return response

    @router.get("/runs")
    def runs(request: Request, principal: Auditor) -> HTMLResponse:
        query = parse_list_query(dict(request.query_params))
        page = list_runs(trail, query.run_filter, offset=(query.page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        trail.record_view(viewer_name(principal), [run.run_id for run in page.runs], "console:runs")
        return _page(
            "runs.html",
            principal=principal,
            query=query,
            page=page,
            interrupted=interrupted_runs(trail, page.runs),
            choices=distinct_values(trail),
            page_count=max((page.total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        )

    @router.get("/runs/{run_id}")
    def run_page(run_id: str, principal: Auditor, step: int | None = None) -> HTMLResponse:
        run = trail.run(run_id)
        if run is None:
            return _page("missing.html", 404, principal=principal, run_id=run_id)
        trail.record_view(viewer_name(principal), [run_id], "console:run")
        steps = trail.steps(run_id)
        position = next((index for index, item in enumerate(steps) if item.seq == step), 0)
        return _page(
            "run.html",
            principal=principal,
            run=run,
            interrupted=bool(interrupted_runs(trail, [run])),
            steps=steps,
            position=position,
            current=steps[position] if steps else None,
            chain=verify_run(trail, run_id),
            response=recorded_response(trail, run_id),
            access_log=_access_log(trail, run_id),
            has_provenance=provenance_for(run) is not None,
        )

    @router.get("/runs/{run_id}/steps/{seq}/screenshot.png")
    def screenshot(run_id: str, seq: int, principal: Auditor, close_up: bool = False, thumb: bool = False) -> Response:
        step = trail.step(run_id, seq)
        if step is None or step.purged or step.screenshot_sha256 is None:
            return Response(status_code=404, headers=SECURITY_HEADERS)
        try:
            png = trail.screenshots.get(step.screenshot_sha256)
        except (ScreenshotMissing, ScreenshotMismatch):
            return Response(status_code=410, headers=SECURITY_HEADERS)
        annotated = annotate_step(png, step, neighbour_boxes(trail.steps(run_id), step))
        if close_up:
            image = focus(annotated.png, step, label=annotated.label)
        else:
            image = thumbnail(annotated.png) if thumb else annotated.png
        if image is None:
            return Response(status_code=404, headers=SECURITY_HEADERS)
        return Response(image, media_type="image/png", headers=SECURITY_HEADERS)

    @router.get("/runs/{run_id}/provenance")
    def provenance(run_id: str, principal: Auditor) -> Response:
        resource = read_provenance(trail, fhir_id(run_id), viewer_name(principal))
        if resource is None:
            return Response(status_code=404, headers=SECURITY_HEADERS)
        body = resource.model_dump_json(exclude_none=True, indent=2)
        return Response(body, media_type="application/fhir+json", headers=SECURITY_HEADERS)

    @router.get("/runs/{run_id}/export")
    def export(run_id: str, principal: Auditor) -> Response:
        if trail.run(run_id) is None:
            return Response(status_code=404, headers=SECURITY_HEADERS)
        html = export_run_html(trail, run_id, viewer_name(principal))
        headers = {
            **SECURITY_HEADERS,
            "Content-Disposition": f'attachment; filename="audit-run-{fhir_id(run_id)}.html"',
        }
        headers.pop("Content-Security-Policy")
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)

    return router

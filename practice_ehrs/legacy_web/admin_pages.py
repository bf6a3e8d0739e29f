"""Admin endpoints of the practice web EHR for tests and demos: fault knobs, forced expiry, in-place reset.

They sit under /admin, are never linked from the clinical UI and need the admin token (header `X-Admin-Token`,
or a `token` form/query field on the HTML page). Bots never use them.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from practice_ehrs.legacy_web.knobs import KnobError
from practice_ehrs.legacy_web.web_kit import ServerState, render, server_state, submitted_form

ADMIN_TOKEN_HEADER = "X-Admin-Token"  # noqa: S105 - a header name, not a secret


def _authorised(request: Request, form: dict[str, str] | None = None) -> bool:
    given = request.headers.get(ADMIN_TOKEN_HEADER) or (form or {}).get("token") or request.query_params.get("token")
    return bool(given) and secrets.compare_digest(str(given), server_state(request).admin_token)


def _refused() -> Response:
    return JSONResponse({"error": "admin token missing or wrong"}, status_code=403)


async def _reset(request: Request) -> None:
    state = server_state(request)
    await run_in_threadpool(request.app.state.seed.restore, state.database)
    state.knobs.restore()
    state.sessions.close_all()


def _apply_knobs(state: ServerState, changes: dict[str, Any]) -> dict[str, Any]:
    knobs = state.knobs.update(changes)
    state.sessions.purge(knobs.idle_timeout_s)
    return knobs.as_dict()


async def get_knobs(request: Request) -> Response:
    if not _authorised(request):
        return _refused()
    return JSONResponse(server_state(request).knobs.current.as_dict())


async def set_knobs(request: Request) -> Response:
    if not _authorised(request):
        return _refused()
    changes = await request.json()
    if not isinstance(changes, dict):
        return JSONResponse({"error": "expected a JSON object of knob values"}, status_code=400)
    try:
        return JSONResponse(_apply_knobs(server_state(request), changes))
    except KnobError as error:
        return JSONResponse({"error": str(error)}, status_code=400)


async def reset(request: Request) -> Response:
    if not _authorised(request):
        return _refused()
    await _reset(request)
    return JSONResponse({"reset": True})


async def expire_sessions(request: Request) -> Response:
    if not _authorised(request):
        return _refused()
    return JSONResponse({"expired": server_state(request).sessions.close_all()})


async def admin_page(request: Request) -> Response:
    form = await submitted_form(request)
    if not _authorised(request, form):
        return _refused()
    state = server_state(request)
    message, error = "", ""
    action = form.get("action", "")
    if action == "knobs":
        changes = {name: form[name] for name in state.knobs.current.as_dict() if name in form}
        try:
            _apply_knobs(state, changes)
            message = "Knobs applied."
        except KnobError as problem:
            error = str(problem)
    elif action == "expire-sessions":
        message = f"Expired {state.sessions.close_all()} session(s)."
    elif action == "reset":
        await _reset(request)
        message = "Database, knobs and sessions reset."
    knobs = state.knobs.current
    return render(
        request,
        "admin.html",
        token=state.admin_token,
        knobs=knobs.as_dict(),
        live_sessions=state.sessions.live_count(knobs.idle_timeout_s),
        message=message,
        error=error,
    )


routes = [
    Route("/admin", admin_page, methods=["GET", "POST"]),
    Route("/admin/knobs", get_knobs, methods=["GET"]),
    Route("/admin/knobs", set_knobs, methods=["POST"]),
    Route("/admin/reset", reset, methods=["POST"]),
    Route("/admin/expire-sessions", expire_sessions, methods=["POST"]),
]

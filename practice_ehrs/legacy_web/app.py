"""Assemble the practice web EHR: routes, fault injection, legacy error pages and server state."""

from __future__ import annotations

import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from practice_ehrs.clinical_data import ensure_database
from practice_ehrs.legacy_web import admin_pages, auth_pages, chart_pages, entry_pages, notice_pages, patient_pages
from practice_ehrs.legacy_web.faults import FaultInjection
from practice_ehrs.legacy_web.knobs import KnobBoard, Knobs
from practice_ehrs.legacy_web.seed_snapshot import SeedSnapshot
from practice_ehrs.legacy_web.sessions import SessionStore
from practice_ehrs.legacy_web.web_kit import ServerState, render_error_page


async def _server_error(request: Request, exc: Exception) -> Response:
    return render_error_page("server_error.html", 500)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return Response(f"HTTP {status}", status_code=status, media_type="text/plain")


def create_app(database: Path, knobs: Knobs | None = None, admin_token: str | None = None) -> Starlette:
    """The ASGI app over `database` (created in its seed state if missing)."""
    ensure_database(database)
    board = KnobBoard(knobs or Knobs())
    state = ServerState(
        database=database,
        knobs=board,
        sessions=SessionStore(),
        admin_token=admin_token or secrets.token_urlsafe(16),
    )
    app = Starlette(
        routes=[
            *auth_pages.routes,
            *patient_pages.routes,
            *chart_pages.routes,
            *entry_pages.routes,
            *admin_pages.routes,
            *notice_pages.routes,
        ],
        middleware=[Middleware(FaultInjection, knobs=board)],
        exception_handlers={500: _server_error, HTTPException: _http_error},
    )
    app.state.legacy_web = state
    app.state.seed = SeedSnapshot()
    return app

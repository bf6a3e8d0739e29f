"""Plumbing every page of the practice web EHR shares: server state, template rendering, the login guard.

Clinical pages are plain (synchronous) functions of a `PageContext`; Starlette runs them in its thread pool,
each with its own SQLite connection, so a slow page never blocks the others.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from practice_ehrs.clinical_data import open_database
from practice_ehrs.legacy_web.images import PRODUCT_NAME, PRODUCT_VERSION
from practice_ehrs.legacy_web.knobs import KnobBoard
from practice_ehrs.legacy_web.layouts import FORMS, GRIDS
from practice_ehrs.legacy_web.maintenance_notice import notice_due, notice_redirect
from practice_ehrs.legacy_web.sessions import Session, SessionStore
from practice_ehrs.legacy_web.ui_words import words

SESSION_COOKIE = "JSESSIONID"

_templates = Environment(
    loader=PackageLoader("practice_ehrs.legacy_web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class ServerState:
    """What the running server holds besides its database file."""

    database: Path
    knobs: KnobBoard
    sessions: SessionStore
    admin_token: str


@dataclass
class PageContext:
    request: Request
    session: Session
    db: sqlite3.Connection
    state: ServerState
    form: dict[str, str] = field(default_factory=dict)

    @property
    def ui_version(self) -> int:
        return self.state.knobs.current.ui_version


def server_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.legacy_web
    return state


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `template` with the UI version's words, forms and grids available to it."""
    ui_version = server_state(request).knobs.current.ui_version
    html = _templates.get_template(template).render(
        ui=ui_version,
        words=words(ui_version),
        forms=FORMS,
        grids=GRIDS,
        product=PRODUCT_NAME,
        version=PRODUCT_VERSION,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


def render_error_page(template: str, status_code: int) -> HTMLResponse:
    """A page that must render even when nothing else works (no request state needed)."""
    html = _templates.get_template(template).render(product=PRODUCT_NAME, version=PRODUCT_VERSION)
    return HTMLResponse(html, status_code=status_code)


def login_redirect(expired: bool) -> RedirectResponse:
    return RedirectResponse("/login?expired=1" if expired else "/login", status_code=303)


async def submitted_form(request: Request) -> dict[str, str]:
    """The posted form's text fields (a GET has none)."""
    if request.method != "POST":
        return {}
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


def clinical_page(handler: Callable[[PageContext], Response]) -> Callable[[Request], Awaitable[Response]]:
    """Guard a page behind a live session (a stale cookie means the session expired) and run it in a thread."""

    async def endpoint(request: Request) -> Response:
        state = server_state(request)
        token = request.cookies.get(SESSION_COOKIE)
        session = state.sessions.touch(token, state.knobs.current.idle_timeout_s)
        if session is None:
            return login_redirect(expired=bool(token))
        if notice_due(session, request, state.knobs.current):
            return notice_redirect(request)
        form = await submitted_form(request)

        def run() -> Response:
            with open_database(state.database) as db:
                return handler(PageContext(request, session, db, state, form))

        return await run_in_threadpool(run)

    endpoint.__name__ = handler.__name__
    return endpoint


def page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return int(text) if text.isdigit() else 1

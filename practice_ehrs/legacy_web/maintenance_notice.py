"""The legacy "System notice" interstitial: once per session, a chart page is replaced by a notice to acknowledge.

With the `maintenance_notice` knob above 0, each chart page a session opens may (by that chance) send it to
`/notice` instead; with `maintenance_notice_at_login` set to 1, the chance is taken on the page login lands on
(`/`) instead of on chart pages. From then on every clinical page sends the session there until the notice is
acknowledged; after that the session never sees it again. Acknowledging goes on to the page that was asked for.
"""

from __future__ import annotations

import random
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse

from practice_ehrs.legacy_web.knobs import Knobs
from practice_ehrs.legacy_web.sessions import Session

NOTICE_PATH = "/notice"
TRIGGER_PREFIX = "/chart/"
LANDING_PATH = "/"
_chance = random.Random()


def notice_due(session: Session, request: Request, knobs: Knobs) -> bool:
    """Whether this request must be answered with the notice instead of its page."""
    path = request.url.path
    if session.notice_acknowledged or path == NOTICE_PATH:
        return False
    rate = knobs.maintenance_notice
    if not session.notice_pending and request.method == "GET" and _triggers(path, knobs) and rate > 0:
        session.notice_pending = _chance.random() < rate
    return session.notice_pending


def _triggers(path: str, knobs: Knobs) -> bool:
    return path == LANDING_PATH if knobs.maintenance_notice_at_login else path.startswith(TRIGGER_PREFIX)


def notice_redirect(request: Request) -> RedirectResponse:
    """Off to the notice, remembering the page that was asked for."""
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{NOTICE_PATH}?{urlencode({'next': wanted})}", status_code=303)


def safe_next(target: str) -> str:
    """Where to go after acknowledging: a path on this server, else the search page."""
    return target if target.startswith("/") and not target.startswith("//") else "/search"

"""Login, logout and the frame shell (banner, navigation, main frame) of the practice web EHR, plus its artwork."""

from __future__ import annotations

from datetime import date
from importlib import resources

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from practice_ehrs.clinical_data import open_database
from practice_ehrs.legacy_web.images import image_bytes
from practice_ehrs.legacy_web.records import find_user
from practice_ehrs.legacy_web.sessions import SeatsExhaustedError
from practice_ehrs.legacy_web.web_kit import (
    SESSION_COOKIE,
    PageContext,
    clinical_page,
    render,
    server_state,
    submitted_form,
)

MAX_USERS_MESSAGE = "Maximum number of concurrent users reached. Please try again later."
BAD_LOGIN_MESSAGE = "Invalid user name or password."


async def login_page(request: Request) -> Response:
    return render(request, "login.html", expired=request.query_params.get("expired") == "1", username="", error="")


async def login(request: Request) -> Response:
    state = server_state(request)
    form = await submitted_form(request)
    username, password = form.get("username", ""), form.get("password", "")

    def lookup() -> str | None:
        with open_database(state.database) as db:
            return find_user(db, username, password)

    display_name = await run_in_threadpool(lookup)
    if display_name is None:
        return render(request, "login.html", expired=False, username=username, error=BAD_LOGIN_MESSAGE)
    knobs = state.knobs.current
    try:
        session = state.sessions.open(username, display_name, knobs.seat_limit, knobs.idle_timeout_s)
    except SeatsExhaustedError:
        return render(request, "login.html", expired=False, username=username, error=MAX_USERS_MESSAGE)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="lax")
    return response


async def logout(request: Request) -> Response:
    server_state(request).sessions.close(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@clinical_page
def frameset(page: PageContext) -> Response:
    return render(page.request, "frameset.html")


@clinical_page
def banner(page: PageContext) -> Response:
    return render(page.request, "banner.html", user=page.session.display_name, today=date.today().strftime("%m/%d/%Y"))


@clinical_page
def navigation(page: PageContext) -> Response:
    return render(page.request, "nav.html")


async def stylesheet(request: Request) -> Response:
    css = resources.files("practice_ehrs.legacy_web").joinpath("static/styles.css").read_bytes()
    return Response(css, media_type="text/css")


async def image(request: Request) -> Response:
    content = image_bytes(request.path_params["name"])
    if content is None:
        return Response("Not Found", status_code=404, media_type="text/plain")
    return Response(content, media_type="image/gif", headers={"Cache-Control": "max-age=3600"})


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["GET", "POST"]),
    Route("/", frameset, methods=["GET"]),
    Route("/banner", banner, methods=["GET"]),
    Route("/nav", navigation, methods=["GET"]),
    Route("/styles.css", stylesheet, methods=["GET"]),
    Route("/images/{name}", image, methods=["GET"]),
]

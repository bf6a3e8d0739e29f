"""Who may use the auditor console: a facade access token carrying the auditor role, from a cookie or a header.

Browsers cannot attach a bearer header to page loads, so the login page takes an access token (issued by the
facade's SMART token endpoint, or `retrofhir dev-token` in dev mode) and keeps it in an HttpOnly, SameSite=Strict
cookie scoped to the console. API clients may send `Authorization: Bearer` instead. Tokens are verified by the
facade's TokenService (`app.state.token_service`) exactly as for FHIR calls.

A console session slides: once the cookie's token has lived half its lifetime, the next page view gets a fresh one
for the same client and scopes, so an auditor at work is not sent back to the login page every few minutes; a
session left idle for a token's lifetime ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import jwt
from fastapi import HTTPException, Request, Response

from fhir_facade.auth import Principal
from fhir_facade.auth.tokens import InvalidAccessToken, TokenService

COOKIE_NAME = "retrofhir_audit_token"
LOGIN_PATH = "/audit/login"
RENEW_AFTER_SHARE_OF_LIFETIME = 0.5


class NotAnAuditor(Exception):
    """The token is valid but lacks the auditor role."""


def verify_token(request: Request, token: str, role: str) -> Principal:
    """The token's principal if it is valid and carries `role`; InvalidAccessToken or NotAnAuditor otherwise."""
    service: TokenService = request.app.state.token_service
    principal = service.verify_access_token(token)
    if not principal.scopes.has_role(role):
        raise NotAnAuditor(principal.client_id)
    return principal


def presented_token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE_NAME) or None


def require_auditor(role: str) -> Callable[[Request], Principal]:
    """A dependency: the auditor's Principal; no or a bad token redirects to the login page, no role is 403."""

    def dependency(request: Request) -> Principal:
        token = presented_token(request)
        if token is None:
            raise HTTPException(303, "log in as an auditor", headers={"Location": LOGIN_PATH})
        try:
            principal = verify_token(request, token, role)
        except InvalidAccessToken:
            raise HTTPException(
                303, "the access token is invalid or expired", headers={"Location": LOGIN_PATH}
            ) from None
        except NotAnAuditor:
            raise HTTPException(403, f"the audit console requires the {role!r} role") from None
        request.state.principal = principal
        if token == request.cookies.get(COOKIE_NAME):
            request.state.renewed_console_token = _renewal(request, token, principal)
        return principal

    return dependency


def viewer_name(principal: Principal) -> str:
    """How a view is attributed in the chain: the client and the token it used."""
    return f"{principal.client_id} (token {principal.token_id[:12]})"


def _renewal(request: Request, token: str, principal: Principal) -> str | None:
    """A fresh token for a console session whose token has lived past RENEW_AFTER_SHARE_OF_LIFETIME, else None."""
    claims = jwt.decode(token, options={"verify_signature": False})  # verified by the caller just before
    issued, expires = float(claims.get("iat", 0)), float(claims["exp"])
    if time.time() - issued < (expires - issued) * RENEW_AFTER_SHARE_OF_LIFETIME:
        return None
    service: TokenService = request.app.state.token_service
    return service.issue(principal.client_id, list(principal.scopes.scopes))


def set_console_cookie(response: Response, request: Request, token: str) -> None:
    """Keep `token` in the console's cookie: HttpOnly, SameSite=Strict, only sent to /audit."""
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE_NAME, token, httponly=True, samesite="strict", secure=secure, path="/audit")

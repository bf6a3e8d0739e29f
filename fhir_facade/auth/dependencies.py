"""Reusable FastAPI dependencies for SMART-protected routes: who is calling, and may they do this.

Any app (the facade, the audit console) that sets `app.state.token_service` to a TokenService can use them:

    @router.get("/audit/runs", dependencies=[Depends(require_role("auditor"))])
    @router.get("/x/{resource_type}", dependencies=[Depends(require_scope("Patient", "r"))])
    def handler(principal: Principal = Depends(authenticated)) -> ...

Failures are FhirErrors: 401 + `WWW-Authenticate: Bearer ...` for a missing or bad token, 403 for too few scopes.
Passing also records the caller (`fhir_facade.caller.current_caller()`) for the audit trail.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache

from fastapi import Request

from fhir_facade.auth.scopes import INTERACTION_PERMISSION
from fhir_facade.auth.tokens import InvalidAccessToken, Principal, TokenService
from fhir_facade.caller import Caller, set_caller
from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.provider import Interaction

REALM = "retrofhir"


def _unauthorized(diagnostics: str, error: str | None = None) -> FhirError:
    challenge = f'Bearer realm="{REALM}"'
    if error:
        challenge += f', error="{error}", error_description="{diagnostics}"'
    return FhirError(401, IssueCode.LOGIN, diagnostics, headers={"WWW-Authenticate": challenge})


def principal_of(request: Request) -> Principal:
    """The caller's Principal from `Authorization: Bearer <token>`; 401 when absent or invalid.

    Synchronous so hot routes can call it without a FastAPI dependency; `authenticated` wraps it for `Depends`.
    """
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("a bearer access token is required (SMART Backend Services)")
    service: TokenService = request.app.state.token_service
    try:
        principal = service.verify_access_token(token.strip())
    except InvalidAccessToken:
        raise _unauthorized("the access token is invalid or expired", "invalid_token") from None
    request.state.principal = principal
    route = request.scope.get("route")
    path = getattr(route, "path", request.scope["path"])
    set_caller(_caller(principal, f"{request.method} {path}"))
    return principal


@lru_cache(maxsize=1024)
def _caller(principal: Principal, request_summary: str) -> Caller:
    # One token calling one route is one Caller: built once, not on every request.
    return Caller(principal.client_id, principal.scopes.scopes, principal.token_id, request_summary)


async def authenticated(request: Request) -> Principal:
    """The caller's Principal from `Authorization: Bearer <token>`; 401 when absent or invalid."""
    return principal_of(request)


def _forbidden(diagnostics: str) -> FhirError:
    return FhirError(403, IssueCode.FORBIDDEN, diagnostics)


def require_role(role: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency allowing only tokens that carry the role scope `role` (e.g. `auditor`)."""

    async def dependency(request: Request) -> Principal:
        principal = principal_of(request)
        if not principal.scopes.has_role(role):
            raise _forbidden(f"this requires the {role!r} scope")
        return principal

    return dependency


def authorize(request: Request, resource_type: str, permission: str) -> Principal:
    """The caller if their system scopes grant `permission` (c r u d s) on `resource_type`; else 401 or 403."""
    principal = principal_of(request)
    if not principal.scopes.allows(resource_type, permission):
        raise _forbidden(f"the token's scopes do not allow {permission!r} on {resource_type}")
    return principal


def authorize_interaction(request: Request, interaction: Interaction) -> Principal:
    """For FHIR routes: the scope letter `interaction` needs, on the route's `{resource_type}` path parameter."""
    return authorize(request, request.path_params["resource_type"], INTERACTION_PERMISSION[interaction])


def require_scope(resource_type: str, permission: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency allowing only tokens whose system scopes grant `permission` (c r u d s) on `resource_type`."""

    async def dependency(request: Request) -> Principal:
        return authorize(request, resource_type, permission)

    return dependency


def require_interaction(interaction: Interaction) -> Callable[[Request], Awaitable[Principal]]:
    """For FHIR routes: the scope letter `interaction` needs, on the route's `{resource_type}` path parameter."""

    async def dependency(request: Request) -> Principal:
        return authorize_interaction(request, interaction)

    return dependency

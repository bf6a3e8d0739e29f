"""SMART App Launch v2 Backend Services: scopes, client assertions, access tokens, FastAPI dependencies."""

from fhir_facade.auth.dependencies import (
    authenticated,
    authorize,
    authorize_interaction,
    principal_of,
    require_interaction,
    require_role,
    require_scope,
)
from fhir_facade.auth.scopes import ScopeSet, SmartScope, grant_scopes, parse_scope
from fhir_facade.auth.tokens import ASSERTION_TYPE, OAuthError, Principal, TokenService, make_client_assertion

__all__ = [
    "ASSERTION_TYPE",
    "OAuthError",
    "Principal",
    "ScopeSet",
    "SmartScope",
    "TokenService",
    "authenticated",
    "authorize",
    "authorize_interaction",
    "grant_scopes",
    "make_client_assertion",
    "parse_scope",
    "principal_of",
    "require_interaction",
    "require_role",
    "require_scope",
]

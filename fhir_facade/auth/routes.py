"""Anonymous auth endpoints: SMART discovery (`.well-known/smart-configuration`), the token endpoint, the JWKS."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse

from fhir_facade.auth.tokens import OAuthError, TokenService

router = APIRouter(tags=["auth"])


def smart_configuration(service: TokenService) -> dict[str, Any]:
    """The SMART App Launch v2 discovery document; the same for every FHIR base this server has."""
    return {
        "token_endpoint": service.token_url,
        "jwks_uri": f"{service.issuer}/auth/jwks",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
        "scopes_supported": ["system/*.cruds", "system/*.rs", "system/*.read", "system/*.write", "auditor"],
        "capabilities": ["client-confidential-asymmetric", "permission-v1", "permission-v2"],
    }


@router.get("/.well-known/smart-configuration", summary="SMART configuration (discovery)")
async def root_smart_configuration(request: Request) -> JSONResponse:
    return JSONResponse(smart_configuration(request.app.state.token_service))


@router.get("/auth/jwks", summary="Public keys that verify this server's access tokens")
async def jwks(request: Request) -> JSONResponse:
    return JSONResponse({"keys": [request.app.state.token_service.signing_jwk]})


@router.post("/auth/token", summary="SMART Backend Services token endpoint (client_credentials + private_key_jwt)")
async def token(
    request: Request,
    grant_type: str = Form(""),
    client_assertion_type: str = Form(""),
    client_assertion: str = Form(""),
    scope: str = Form(""),
) -> JSONResponse:
    service: TokenService = request.app.state.token_service
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    try:
        body = await service.exchange(grant_type, client_assertion_type, client_assertion, scope)
    except OAuthError as error:
        return JSONResponse(
            {"error": error.error, "error_description": error.description}, status_code=error.status, headers=headers
        )
    return JSONResponse(body, headers=headers)

"""The token service: checks SMART Backend Services client assertions and issues and verifies access tokens.

Client assertions (RFC 7523 `private_key_jwt`): RS384 or ES384, iss = sub = client id, aud = the token URL,
exp at most `assertion_max_lifetime_seconds` ahead, a jti never seen before (kept in the shared store).
Access tokens are ES256 JWTs signed with the server key in the data directory.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from fhir_facade.auth.clients import CLIENT_ALGORITHMS, DEMO_ALGORITHM, demo_client_key, load_clients
from fhir_facade.auth.keys import load_or_create_ec_key, public_jwk
from fhir_facade.auth.scopes import ScopeSet, grant_scopes
from fhir_facade.settings import AuthSettings
from fhir_facade.store import LocalStore

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SERVER_SIGNING_ALGORITHM = "ES256"
VERIFIED_TOKENS_KEPT = 4096


class OAuthError(Exception):
    """A token-endpoint failure, answered as RFC 6749 JSON (`error`, `error_description`)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class InvalidAccessToken(Exception):
    """The bearer token is missing, malformed, expired or not ours."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the client, the scopes its token carries, and the token's id (for audit)."""

    client_id: str
    scopes: ScopeSet
    token_id: str


class TokenService:
    def __init__(self, settings: AuthSettings, data_dir: Path, public_base_url: str, store: LocalStore) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self.issuer = public_base_url.rstrip("/")
        self.token_url = f"{self.issuer}/auth/token"
        self.store = store
        self.clients = load_clients(settings, data_dir)
        self._signing_key = load_or_create_ec_key(data_dir / settings.signing_key_file, ec.SECP256R1())
        self.signing_jwk = public_jwk(self._signing_key, SERVER_SIGNING_ALGORITHM)
        # Checking an ES256 signature costs more than answering a stored read; a token is checked once.
        self._verified: dict[str, tuple[Principal, float]] = {}

    async def exchange(self, grant_type: str, assertion_type: str, assertion: str, scope: str) -> dict[str, Any]:
        """Answer a token request; raises OAuthError for anything wrong with it."""
        if grant_type != "client_credentials":
            raise OAuthError("unsupported_grant_type", "only client_credentials is supported")
        if assertion_type != ASSERTION_TYPE or not assertion:
            raise OAuthError("invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}")
        client_id, claims = self._verify_assertion(assertion)
        expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
        if not await self.store.remember_assertion(f"{client_id}:{claims['jti']}", expires_at):
            raise OAuthError("invalid_client", "this client assertion (jti) was already used", 401)
        granted = grant_scopes(scope.split(), self.clients[client_id].allowed_scopes)
        if not granted:
            raise OAuthError("invalid_scope", "none of the requested scopes can be granted to this client")
        token = self.issue(client_id, granted)
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.settings.token_lifetime_seconds,
            "scope": " ".join(granted),
        }

    def _verify_assertion(self, assertion: str) -> tuple[str, dict[str, Any]]:
        try:
            header = jwt.get_unverified_header(assertion)
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise OAuthError("invalid_client", "client_assertion is not a JWT", 401) from None
        alg = header.get("alg")
        if alg not in CLIENT_ALGORITHMS:
            raise OAuthError(
                "invalid_client", f"client assertions must be signed with {' or '.join(CLIENT_ALGORITHMS)}", 401
            )
        client = self.clients.get(str(unverified.get("iss")))
        if client is None:
            raise OAuthError("invalid_client", "unknown client", 401)
        key = client.key_for(header.get("kid"), alg)
        if key is None:
            raise OAuthError("invalid_client", "no registered key matches the assertion's kid", 401)
        try:
            claims: dict[str, Any] = jwt.decode(
                assertion,
                key,
                algorithms=[alg],
                audience=self.token_url,
                issuer=client.client_id,
                leeway=self.settings.clock_skew_seconds,
                options={"require": ["exp", "iss", "sub", "aud", "jti"]},
            )
        except jwt.PyJWTError as error:
            raise OAuthError("invalid_client", f"client assertion rejected: {error}", 401) from None
        if claims["sub"] != client.client_id:
            raise OAuthError("invalid_client", "the assertion's sub must equal its iss (the client id)", 401)
        if (
            claims["exp"] - time.time()
            > self.settings.assertion_max_lifetime_seconds + self.settings.clock_skew_seconds
        ):
            raise OAuthError("invalid_client", "the assertion's exp is too far in the future", 401)
        return client.client_id, claims

    def issue(self, client_id: str, scopes: list[str]) -> str:
        """A signed access token for `client_id` carrying `scopes`."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.issuer,
            "sub": client_id,
            "client_id": client_id,
            "scope": " ".join(scopes),
            "iat": now,
            "exp": now + self.settings.token_lifetime_seconds,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._signing_key, SERVER_SIGNING_ALGORITHM, headers={"kid": self.signing_jwk["kid"]})

    def verify_access_token(self, token: str) -> Principal:
        """The Principal a token stands for; verified tokens are remembered until they expire."""
        remembered = self._verified.get(token)
        if remembered is not None and remembered[1] > time.time():
            return remembered[0]
        try:
            claims = jwt.decode(
                token,
                self._signing_key.public_key(),
                algorithms=[SERVER_SIGNING_ALGORITHM],
                audience=self.issuer,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "scope", "jti"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidAccessToken(str(error)) from None
        principal = Principal(str(claims["sub"]), ScopeSet.from_string(str(claims["scope"])), str(claims["jti"]))
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        self._verified[token] = (principal, float(claims["exp"]))
        return principal

    def demo_assertion(self) -> str:
        """A fresh client assertion signed with the dev-mode demo client's key (for `retrofhir dev-token`)."""
        return make_client_assertion(
            self.settings.demo_client_id,
            self.token_url,
            demo_client_key(self.settings, self.data_dir),
            DEMO_ALGORITHM,
            public_jwk(demo_client_key(self.settings, self.data_dir), DEMO_ALGORITHM)["kid"],
        )


def make_client_assertion(
    client_id: str, token_url: str, private_key: Any, alg: str, kid: str | None, lifetime: int = 240
) -> str:
    """A private_key_jwt client assertion as a backend client sends it (`kid` None: a client with one key)."""
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "exp": now + lifetime,
        "iat": now,
        "jti": uuid.uuid4().hex,
    }
    headers = {"typ": "JWT"} if kid is None else {"kid": kid, "typ": "JWT"}
    return jwt.encode(claims, private_key, alg, headers=headers)

"""Registered backend clients: their public keys (inline JWKS or a JWKS file) and the scopes they may get.

In dev mode the demo client is registered too, its key pair created under the data directory on first use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from fhir_facade.auth.keys import load_or_create_ec_key, public_jwk
from fhir_facade.settings import AuthSettings, ClientRegistration

CLIENT_ALGORITHMS = ("RS384", "ES384")
DEMO_ALGORITHM = "ES384"


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    keys: tuple[jwt.PyJWK, ...]
    allowed_scopes: tuple[str, ...]

    def key_for(self, kid: str | None, alg: str) -> jwt.PyJWK | None:
        """The key a client assertion names by `kid`; without a kid, the only key of that algorithm."""
        if kid is not None:
            return next((key for key in self.keys if key.key_id == kid), None)
        candidates = [key for key in self.keys if key.algorithm_name in (alg, None)]
        return candidates[0] if len(candidates) == 1 else None


def _keys(jwks: dict[str, Any]) -> tuple[jwt.PyJWK, ...]:
    keys = []
    for entry in jwks.get("keys", []):
        # A JWK need not name its algorithm; the only ones clients may use are RS384 (RSA) and ES384 (EC).
        algorithm = entry.get("alg") or {"RSA": "RS384", "EC": "ES384"}.get(entry.get("kty", ""))
        if algorithm not in CLIENT_ALGORITHMS:
            continue
        keys.append(jwt.PyJWK(entry, algorithm=algorithm))
    return tuple(keys)


def _registered(registration: ClientRegistration, data_dir: Path) -> RegisteredClient:
    if registration.jwks is not None:
        jwks = registration.jwks
    else:
        assert registration.jwks_file is not None
        jwks = json.loads((data_dir / registration.jwks_file).read_text(encoding="utf-8"))
    return RegisteredClient(registration.client_id, _keys(jwks), tuple(registration.scopes))


def demo_client_key(settings: AuthSettings, data_dir: Path) -> ec.EllipticCurvePrivateKey:
    """The dev-mode demo client's private key (P-384, for ES384 assertions)."""
    return load_or_create_ec_key(data_dir / settings.demo_key_file, ec.SECP384R1())


def load_clients(settings: AuthSettings, data_dir: Path) -> dict[str, RegisteredClient]:
    """Every client allowed to ask for tokens, by client id."""
    clients = {registration.client_id: _registered(registration, data_dir) for registration in settings.clients}
    if settings.dev_mode and settings.demo_client_id not in clients:
        jwk = public_jwk(demo_client_key(settings, data_dir), DEMO_ALGORITHM)
        allowed = (*settings.demo_scopes, *settings.demo_roles_on_request)
        demo = RegisteredClient(settings.demo_client_id, _keys({"keys": [jwk]}), allowed)
        clients[demo.client_id] = demo
    return clients

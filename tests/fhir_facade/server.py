"""A real facade for tests: uvicorn on a free 127.0.0.1 port in a thread, over the in-memory provider.

Test clients are registered the way an operator would: one RS384 client with an inline JWKS, one ES384 client
with a JWKS file. Every FHIR response the `http` client receives is validated as R4 (fhir.resources R4B plus
the required bindings), so any test that talks to the facade also checks what it returns.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from fhir_facade import create_app
from fhir_facade.auth import ASSERTION_TYPE, make_client_assertion
from fhir_facade.auth.keys import public_jwk
from fhir_facade.bindings import binding_violations
from fhir_facade.providers import MemoryProvider
from fhir_facade.settings import AuthSettings, ClientRegistration, FhirSettings
from fhir_facade.validation import validate_resource
from retrofhir.config import FacadeSettings, Settings

SOURCE = "memory"


@dataclass(frozen=True)
class ClientKey:
    client_id: str
    private_key: Any
    alg: str
    kid: str | None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def check_fhir_response(response: httpx.Response) -> None:
    """Every FHIR JSON body must be a valid R4 resource; Bundle entries are checked one by one as well."""
    if not response.headers.get("content-type", "").startswith("application/fhir+json"):
        return
    response.read()
    body = json.loads(response.content)
    validate_resource(body)
    for entry in body.get("entry", []):
        assert not binding_violations(entry["resource"]), entry["resource"]["resourceType"]


@dataclass
class RunningFacade:
    root_url: str
    provider: MemoryProvider
    settings: Settings
    clients: dict[str, ClientKey]

    @property
    def fhir_url(self) -> str:
        return f"{self.root_url}/fhir/{SOURCE}"

    @property
    def token_url(self) -> str:
        return f"{self.root_url}/auth/token"

    def assertion(self, client: str = "es384", audience: str | None = None, lifetime: int = 240) -> str:
        key = self.clients[client]
        return make_client_assertion(
            key.client_id, audience or self.token_url, key.private_key, key.alg, key.kid, lifetime=lifetime
        )

    def request_token(self, scope: str, assertion: str) -> httpx.Response:
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
            "scope": scope,
        }
        return httpx.post(self.token_url, data=form)

    def token(self, scope: str = "system/*.cruds", client: str = "es384") -> str:
        response = self.request_token(scope, self.assertion(client))
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def http(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.fhir_url, headers=headers, event_hooks={"response": [check_fhir_response]})


def _registrations(data_dir: Path) -> tuple[list[ClientRegistration], dict[str, ClientKey]]:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP384R1())
    rsa_jwk, ec_jwk = public_jwk(rsa_key, "RS384"), public_jwk(ec_key, "ES384")
    jwks_file = data_dir / "clients" / "ec-client.jwks.json"
    jwks_file.parent.mkdir(parents=True)
    jwks_file.write_text(json.dumps({"keys": [ec_jwk]}), encoding="utf-8")
    registrations = [
        ClientRegistration(client_id="rsa-client", jwks={"keys": [rsa_jwk]}, scopes=["system/*.cruds"]),
        ClientRegistration(
            client_id="ec-client", jwks_file=Path("clients/ec-client.jwks.json"), scopes=["system/*.cruds"]
        ),
        # A bare JWK (no alg, no kid), as some clients register: assertions then carry no kid either.
        ClientRegistration(
            client_id="reader",
            jwks={"keys": [{name: rsa_jwk[name] for name in ("kty", "n", "e")}]},
            scopes=["system/Patient.rs"],
        ),
    ]
    keys = {
        "rs384": ClientKey("rsa-client", rsa_key, "RS384", rsa_jwk["kid"]),
        "es384": ClientKey("ec-client", ec_key, "ES384", ec_jwk["kid"]),
        "reader": ClientKey("reader", rsa_key, "RS384", None),
    }
    return registrations, keys


@contextmanager
def running_facade(data_dir: Path, resources: list[dict[str, Any]]) -> Iterator[RunningFacade]:
    """Start the facade and stop it on exit."""
    port = free_port()
    registrations, keys = _registrations(data_dir)
    fhir = FhirSettings(write_wait_seconds=1.0, max_body_bytes=200_000, auth=AuthSettings(clients=registrations))
    settings = Settings(
        data_dir=data_dir, facade=FacadeSettings(port=port, public_base_url=f"http://127.0.0.1:{port}"), fhir=fhir
    )
    provider = MemoryProvider(resources)
    app = create_app(settings, {SOURCE: provider})
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="facade-under-test", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the facade did not start")
            time.sleep(0.01)
        yield RunningFacade(f"http://127.0.0.1:{port}", provider, settings, keys)
    finally:
        server.should_exit = True
        thread.join(timeout=10)

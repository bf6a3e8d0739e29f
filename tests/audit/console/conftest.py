"""A real facade app with the audit console mounted, on uvicorn at a free 127.0.0.1 port, over a filled trail."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec

from audit import AuditSettings, AuditTrail, append_new_key
from audit.console import console_router
from audit.records import RunStart
from bots.errors import ErrorSummary
from bots.observer import RunResult
from fhir_facade import create_app
from fhir_facade.auth import ASSERTION_TYPE, make_client_assertion
from fhir_facade.auth.keys import public_jwk
from fhir_facade.auth.tokens import TokenService
from fhir_facade.settings import AuthSettings, ClientRegistration, FhirSettings
from retrofhir.config import FacadeSettings, Settings
from tests.audit.conftest import make_run, record_runs

HOSTILE_VALUE = "<script>window.pwned=1</script>Smith"


@dataclass
class Console:
    root_url: str
    trail: AuditTrail
    keys: dict[str, tuple[str, ec.EllipticCurvePrivateKey, str]]
    token_service: TokenService

    def token(self, client: str, scope: str) -> str:
        client_id, key, kid = self.keys[client]
        assertion = make_client_assertion(client_id, f"{self.root_url}/auth/token", key, "ES384", kid)
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
            "scope": scope,
        }
        response = httpx.post(f"{self.root_url}/auth/token", data=form)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _fill(trail: AuditTrail) -> None:
    runs = [
        make_run(f"run-{number:02d}", patient_id=f"p-{number % 5}", client_id="integrator") for number in range(1, 23)
    ]
    runs.append(make_run("run-hostile", patient_id="p-9", fields={"Family name": HOSTILE_VALUE, "Given name": "Eve"}))
    runs.append(make_run("run-drift", patient_id="p-7", source="legacy-desktop", drift=True, client_id="sync-job"))
    runs.append(make_run("run-write", patient_id="p-7", interaction="Observation.create", client_id="integrator"))
    info, steps, _ = make_run("run-failed", patient_id="p-8", source="legacy-desktop")
    failed = RunResult("run-failed", False, datetime.now(UTC), error=ErrorSummary("ElementNotFound", "no locator"))
    runs.append((info, steps, failed))
    record_runs(trail, runs)
    # A run whose process died mid-run (no such pid can exist on Linux): its start and first step only.
    info, steps, _ = make_run("run-interrupted", patient_id="p-6")
    trail.write([RunStart(info, datetime.now(UTC), process=f"{socket.gethostname()}:99999999:1"), steps[0]])
    body = {"resourceType": "Patient", "id": "p-9", "name": [{"family": HOSTILE_VALUE, "given": ["Eve"]}]}
    trail.record_response("run-hostile", 200, body)


@pytest.fixture(scope="package")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    data_dir: Path = tmp_path_factory.mktemp("audit-console")
    append_new_key(data_dir / "audit" / "keys", "k1")
    trail = AuditTrail.open(AuditSettings(key_env="RETROFHIR_TEST_UNSET"), data_dir)
    _fill(trail)
    keys: dict[str, tuple[str, ec.EllipticCurvePrivateKey, str]] = {}
    registrations = []
    for client_id, scopes in (("auditor-app", ["auditor", "system/*.rs"]), ("integrator", ["system/*.cruds"])):
        key = ec.generate_private_key(ec.SECP384R1())
        jwk = public_jwk(key, "ES384")
        keys[client_id] = (client_id, key, jwk["kid"])
        registrations.append(ClientRegistration(client_id=client_id, jwks={"keys": [jwk]}, scopes=scopes))
    port = _free_port()
    settings = Settings(
        data_dir=data_dir,
        facade=FacadeSettings(port=port, public_base_url=f"http://127.0.0.1:{port}"),
        fhir=FhirSettings(auth=AuthSettings(clients=registrations, dev_mode=False)),
    )
    app = create_app(settings, {}, extra_routers=(console_router(trail),))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="audit-console-under-test", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the console did not start")
            time.sleep(0.01)
        yield Console(f"http://127.0.0.1:{port}", trail, keys, app.state.token_service)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        trail.close()

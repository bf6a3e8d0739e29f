"""SMART Backend Services over HTTP: discovery, RS384/ES384 client assertions, replay, expiry, scopes, 401/403."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from fhir_facade.auth.keys import load_or_create_ec_key
from fhir_facade.auth.tokens import InvalidAccessToken, TokenService
from fhir_facade.settings import AuthSettings
from fhir_facade.store import LocalStore
from tests.fhir_facade.server import RunningFacade

FHIR_JSON = {"Content-Type": "application/fhir+json"}


def test_smart_configuration_at_the_root_and_per_fhir_base(facade: RunningFacade) -> None:
    root = httpx.get(f"{facade.root_url}/.well-known/smart-configuration").json()
    per_base = httpx.get(f"{facade.fhir_url}/.well-known/smart-configuration").json()
    assert root == per_base
    assert root["token_endpoint"] == facade.token_url
    assert root["token_endpoint_auth_signing_alg_values_supported"] == ["RS384", "ES384"]
    assert "client-confidential-asymmetric" in root["capabilities"]
    keys = httpx.get(root["jwks_uri"]).json()["keys"]
    assert keys[0]["alg"] == "ES256"


@pytest.mark.parametrize("client", ["rs384", "es384"])
def test_client_credentials_with_a_signed_assertion(facade: RunningFacade, client: str) -> None:
    response = facade.request_token("system/Patient.rs system/Observation.cruds", facade.assertion(client))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    assert body["scope"] == "system/Patient.rs system/Observation.cruds"
    with facade.http(body["access_token"]) as http:
        assert http.get("/Patient/1").status_code == 200


def test_a_replayed_assertion_is_refused(facade: RunningFacade) -> None:
    assertion = facade.assertion("rs384")
    assert facade.request_token("system/*.rs", assertion).status_code == 200
    replay = facade.request_token("system/*.rs", assertion)
    assert replay.status_code == 401
    assert replay.json()["error"] == "invalid_client"


def test_expired_wrong_audience_and_unknown_client_assertions_are_refused(facade: RunningFacade) -> None:
    expired = facade.assertion("es384", lifetime=-600)
    assert facade.request_token("system/*.rs", expired).json()["error"] == "invalid_client"
    too_long = facade.assertion("es384", lifetime=3600)
    assert facade.request_token("system/*.rs", too_long).status_code == 401
    elsewhere = facade.assertion("es384", audience="https://elsewhere.invalid/token")
    assert facade.request_token("system/*.rs", elsewhere).status_code == 401
    key = facade.clients["es384"]
    now = int(time.time())
    stranger = jwt.encode(
        {"iss": "stranger", "sub": "stranger", "aud": facade.token_url, "exp": now + 60, "jti": uuid.uuid4().hex},
        key.private_key,
        "ES384",
        headers={"kid": key.kid},
    )
    assert facade.request_token("system/*.rs", stranger).status_code == 401
    weak = jwt.encode(
        {"iss": key.client_id, "sub": key.client_id, "aud": facade.token_url, "exp": now + 60, "jti": "x"},
        "a shared secret long enough for HS256 at last",
        "HS256",
    )
    assert facade.request_token("system/*.rs", weak).json()["error"] == "invalid_client"


def test_grant_type_and_scope_errors(facade: RunningFacade) -> None:
    wrong_grant = httpx.post(facade.token_url, data={"grant_type": "password", "scope": "system/*.rs"})
    assert wrong_grant.json()["error"] == "unsupported_grant_type"
    beyond = facade.request_token("system/Observation.rs", facade.assertion("reader"))
    assert beyond.status_code == 400
    assert beyond.json()["error"] == "invalid_scope"
    partial = facade.request_token("system/Patient.r system/Observation.rs", facade.assertion("reader"))
    assert partial.json()["scope"] == "system/Patient.r"


def test_fhir_routes_need_a_valid_bearer_token(facade: RunningFacade) -> None:
    with facade.http() as anonymous:
        response = anonymous.get("/Patient/1")
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["issue"][0]["code"] == "login"
        assert anonymous.get("/metadata").status_code == 200
    with facade.http("not.a.token") as forged:
        response = forged.get("/Patient", params={"family": "smith"})
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_scopes_are_enforced_per_type_and_interaction(facade: RunningFacade) -> None:
    with facade.http(facade.token("system/Patient.r system/Observation.s")) as http:
        assert http.get("/Patient/1").status_code == 200
        search = http.get("/Patient", params={"family": "smith"})
        assert search.status_code == 403
        assert search.json()["issue"][0]["code"] == "forbidden"
        assert http.get("/Condition/problem-1").status_code == 403
        assert http.get("/Observation", params={"patient": "1"}).status_code == 200
        assert http.get("/Observation/lab-1").status_code == 403
        create = http.post("/Patient", json={"resourceType": "Patient"}, headers=FHIR_JSON)
        assert create.status_code == 403
    with facade.http(facade.token("system/Patient.rs")) as http:
        bundle = http.get("/Patient", params={"_id": "1", "_revinclude": "Encounter:patient"}).json()
        assert [entry["search"]["mode"] for entry in bundle["entry"]] == ["match", "outcome"]


def test_assertions_issued_in_the_future_are_refused(facade: RunningFacade) -> None:
    key = facade.clients["es384"]
    later = int(time.time()) + 3600
    claims = {
        "iss": key.client_id,
        "sub": key.client_id,
        "aud": facade.token_url,
        "iat": later,
        "exp": later + 60,
        "jti": uuid.uuid4().hex,
    }
    assertion = jwt.encode(claims, key.private_key, "ES384", headers={"kid": key.kid})
    assert facade.request_token("system/*.rs", assertion).status_code == 401


def test_expired_and_foreign_access_tokens_are_401(facade: RunningFacade) -> None:
    signing_key = load_or_create_ec_key(
        facade.settings.data_dir / facade.settings.fhir.auth.signing_key_file, ec.SECP256R1()
    )
    now = int(time.time())
    claims = {"iss": facade.root_url, "aud": facade.root_url, "sub": "ec-client", "scope": "system/*.rs", "jti": "t1"}
    expired = jwt.encode({**claims, "iat": now - 900, "exp": now - 600}, signing_key, "ES256")
    foreign = jwt.encode({**claims, "iat": now, "exp": now + 60}, ec.generate_private_key(ec.SECP256R1()), "ES256")
    valid = jwt.encode({**claims, "iat": now, "exp": now + 60}, signing_key, "ES256")
    for token, status in ((expired, 401), (foreign, 401), (valid, 200)):
        with facade.http(token) as http:
            assert http.get("/Patient/1").status_code == status


def test_a_remembered_token_still_expires_and_a_foreign_audience_is_refused(tmp_path: Path) -> None:
    settings = AuthSettings(dev_mode=False, token_lifetime_seconds=1)
    service = TokenService(settings, tmp_path, "http://127.0.0.1:1", LocalStore("sqlite+aiosqlite://"))
    token = service.issue("ec-client", ["system/Patient.r"])
    first = service.verify_access_token(token)
    assert service.verify_access_token(token) is first  # remembered: the signature is checked once
    expires_at = jwt.decode(token, options={"verify_signature": False})["exp"]
    while time.time() <= expires_at + 0.05:
        time.sleep(0.05)
    with pytest.raises(InvalidAccessToken):
        service.verify_access_token(token)
    signing_key = load_or_create_ec_key(tmp_path / AuthSettings().signing_key_file, ec.SECP256R1())
    now = int(time.time())
    claims = {"iss": service.issuer, "sub": "ec-client", "scope": "system/*.rs", "jti": "t2", "exp": now + 60}
    for audience in ("http://elsewhere", None):
        foreign = jwt.encode(claims | ({"aud": audience} if audience else {}), signing_key, "ES256")
        with pytest.raises(InvalidAccessToken):
            service.verify_access_token(foreign)
    assert first.scopes.allows("Patient", "r")
    assert not first.scopes.allows("Patient", "s")

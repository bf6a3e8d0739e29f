"""The `[fhir]` section as an operator writes it in retrofhir.toml."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from fhir_facade.settings import ClientRegistration
from retrofhir.config import load_settings

CONFIG = """
[fhir]
write_wait_seconds = 3
[fhir.store]
url = "postgresql+psycopg://retrofhir@db/retrofhir"
max_age_seconds = { Patient = 3600 }
[fhir.auth]
dev_mode = false
[[fhir.auth.clients]]
client_id = "lab-system"
jwks_file = "clients/lab.jwks.json"
scopes = ["system/Observation.cruds"]
"""


def test_fhir_section_from_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "retrofhir.toml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("RETROFHIR_CONFIG", str(config))
    fhir = load_settings().fhir
    assert fhir.write_wait_seconds == 3
    assert fhir.store_url(Path("var")) == "postgresql+psycopg://retrofhir@db/retrofhir"
    assert fhir.store.max_age_for("Patient") == 3600
    assert fhir.store.max_age_for("Observation") == fhir.store.default_max_age_seconds
    assert not fhir.auth.dev_mode
    assert fhir.auth.clients[0].jwks_file == Path("clients/lab.jwks.json")


def test_a_client_needs_exactly_one_key_source() -> None:
    with pytest.raises(ValidationError):
        ClientRegistration(client_id="nokeys")
    with pytest.raises(ValidationError):
        ClientRegistration(client_id="both", jwks={"keys": []}, jwks_file=Path("x.json"))

"""`retrofhir dev-token` prints a token the running facade accepts, with the scopes asked for."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner

from retrofhir.cli import main
from tests.fhir_facade.server import RunningFacade


def test_dev_token_works_against_the_facade(facade: RunningFacade, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROFHIR_DATA_DIR", str(facade.settings.data_dir))
    monkeypatch.setenv("RETROFHIR_FACADE__PUBLIC_BASE_URL", facade.root_url)
    result = CliRunner().invoke(main, ["dev-token", "--scope", "system/Patient.rs"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{facade.fhir_url}/Patient/1", headers=headers).status_code == 200
    assert httpx.get(f"{facade.fhir_url}/Condition/problem-1", headers=headers).status_code == 403

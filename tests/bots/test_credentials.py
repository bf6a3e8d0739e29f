"""Credentials by name: the environment first, then the secrets file; what is missing is named, values never."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.credentials import CredentialStore
from bots.errors import ConfigurationError
from bots.screen_map import ScreenMap


def test_environment_then_secrets_file(legacy_web_map: ScreenMap, tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('LEGACY_WEB_PASSWORD = "s3cret"\n')
    store = CredentialStore(secrets, environment={"LEGACY_WEB_USERNAME": "nurse"})
    assert store.resolve(legacy_web_map.source) == {"user": "nurse", "password": "s3cret"}


def test_missing_names_the_variable(legacy_web_map: ScreenMap, tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "absent.toml", environment={"LEGACY_WEB_PASSWORD": "s3cret"})
    with pytest.raises(ConfigurationError) as caught:
        store.resolve(legacy_web_map.source)
    assert "LEGACY_WEB_USERNAME" in str(caught.value)
    assert "s3cret" not in str(caught.value)

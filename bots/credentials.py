"""Credential values for the names a screen map gives: from the environment, else from the secrets file.

The secrets file (config `secrets_file`) is TOML of `NAME = "value"` lines. Values never reach logs or errors.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from bots.errors import ConfigurationError
from bots.map_models import Source


class CredentialStore:
    """Looks up credential values by variable name."""

    def __init__(self, secrets_file: Path | None = None, environment: Mapping[str, str] | None = None) -> None:
        self._environment = os.environ if environment is None else environment
        self._secrets_file = secrets_file

    def _file_values(self) -> dict[str, str]:
        if self._secrets_file is None or not self._secrets_file.exists():
            return {}
        try:
            data = tomllib.loads(self._secrets_file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            raise ConfigurationError(f"the secrets file {self._secrets_file} cannot be read as TOML") from None
        return {name: str(value) for name, value in data.items() if isinstance(value, str | int)}

    def resolve(self, source: Source) -> dict[str, str]:
        """Every credential of the source by its map name; ConfigurationError naming what is missing."""
        file_values: dict[str, str] | None = None
        values: dict[str, str] = {}
        missing: list[str] = []
        for name, credential in source.credentials.items():
            value = self._environment.get(credential.env)
            if value is None:
                file_values = self._file_values() if file_values is None else file_values
                value = file_values.get(credential.env)
            if value is None:
                missing.append(credential.env)
            else:
                values[name] = value
        if missing:
            where = f" or the secrets file {self._secrets_file}" if self._secrets_file else ""
            raise ConfigurationError(
                f"missing credentials: set {', '.join(missing)} in the environment{where}", source=source.id
            )
        return values

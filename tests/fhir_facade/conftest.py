"""Fixtures for the facade tests: practice data in FHIR shape and one running facade per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fhir_facade.providers import practice_resources
from tests.fhir_facade.server import RunningFacade, running_facade


@pytest.fixture(scope="session")
def practice_data() -> list[dict[str, Any]]:
    return practice_resources()


@pytest.fixture(scope="session")
def facade(tmp_path_factory: pytest.TempPathFactory, practice_data: list[dict[str, Any]]) -> Iterator[RunningFacade]:
    data_dir: Path = tmp_path_factory.mktemp("facade-var")
    with running_facade(data_dir, practice_data) as running:
        yield running


@pytest.fixture(scope="session")
def admin_token(facade: RunningFacade) -> str:
    return facade.token("system/*.cruds")


@pytest.fixture
def http(facade: RunningFacade, admin_token: str) -> Iterator[httpx.Client]:
    with facade.http(admin_token) as client:
        yield client

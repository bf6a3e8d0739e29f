"""Standard-suite configuration: an asyncio runner for the session, and one test per UI version a map claims."""

from __future__ import annotations

import pytest

from bots.map_loader import load_screen_map
from retrofhir.config import PROJECT_ROOT


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    source_id = getattr(metafunc.cls, "source_id", None)
    if source_id is not None and "ui_version" in metafunc.fixturenames:
        versions = load_screen_map(PROJECT_ROOT / "screen_maps" / f"{source_id}.yaml").source.ui_versions
        metafunc.parametrize("ui_version", versions, ids=[f"ui{version}" for version in versions])

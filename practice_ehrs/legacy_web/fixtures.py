"""Pytest plugin: a session-wide practice web EHR on a free port with its own temporary database.

Registered in tests/conftest.py `pytest_plugins`. Use `legacy_web_clean` in tests that write or change knobs:
it restores the seed data, the start knobs and ends every session before the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from practice_ehrs.legacy_web.runner import LegacyWebServer, running_legacy_web


@pytest.fixture(scope="session")
def legacy_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LegacyWebServer]:
    database = tmp_path_factory.mktemp("legacy_web") / "legacy_web.sqlite"
    with running_legacy_web(database) as server:
        yield server


@pytest.fixture
def legacy_web_clean(legacy_web: LegacyWebServer) -> LegacyWebServer:
    legacy_web.reset()
    return legacy_web

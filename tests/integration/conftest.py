"""One `retrofhir serve` (facade, scheduler on SQLite, audit trail) over one practice web EHR for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from audit.settings import AuditSettings
from audit.trail import AuditTrail
from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.integration.system import RunningSystem, running_system


@pytest.fixture(scope="session")
def system(legacy_web: LegacyWebServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    with running_system(tmp_path_factory.mktemp("retrofhir"), legacy_web) as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def fresh_ehr(legacy_web: LegacyWebServer) -> LegacyWebServer:
    """Each module starts from the seed data and UI version 1 (other modules' tests change both)."""
    legacy_web.reset()
    return legacy_web


@pytest.fixture
def trail(system: RunningSystem) -> Iterator[AuditTrail]:
    """The running system's audit trail, opened for reading beside it and closed after the test."""
    opened = AuditTrail.open(AuditSettings(), system.data_dir)
    try:
        yield opened
    finally:
        opened.close()

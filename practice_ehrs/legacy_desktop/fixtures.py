"""pytest plugin: the practice desktop EHR on its own Xvfb display for a whole session, and a reset helper.

Register it with `pytest_plugins = ["practice_ehrs.legacy_desktop.fixtures"]`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from practice_ehrs.legacy_desktop.knobs import Knobs
from practice_ehrs.legacy_desktop.runner import RunningDesktopEhr, run_legacy_desktop


@pytest.fixture(scope="session")
def legacy_desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDesktopEhr]:
    """One desktop EHR (UI version 1, no faults) on its own display and database, stopped at the end."""
    database = tmp_path_factory.mktemp("legacy_desktop") / "legacy_desktop.sqlite"
    with run_legacy_desktop(db_path=database) as ehr:
        yield ehr


@pytest.fixture
def fresh_legacy_desktop(legacy_desktop: RunningDesktopEhr) -> RunningDesktopEhr:
    """The session's desktop EHR restarted at its login window, default knobs, database back in its seed state."""
    legacy_desktop.restart(knobs=Knobs(), reset=True)
    return legacy_desktop

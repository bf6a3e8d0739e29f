"""How the standard suite reaches each practice EHR: where it listens, its credentials, UI version and reset.

One entry per screen map id; a new EHR's engineer adds its harness here, next to its one-line test module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bots.credentials import CredentialStore
from bots.drivers.base import Driver
from bots.drivers.desktop import create_desktop_driver
from bots.screen_map import ScreenMap
from practice_ehrs.clinical_data import reset_database
from practice_ehrs.legacy_web.runner import LegacyWebServer
from retrofhir.config import Settings


def no_runtime_options(screen_map: ScreenMap) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class PracticeSystem:
    """A running practice EHR the suite can drive and put back in its seed state."""

    base_url: str | None
    credentials: CredentialStore
    set_ui_version: Callable[[int], object]
    reset: Callable[[], None]
    runtime_options: Callable[[ScreenMap], dict[str, Any]] = no_runtime_options


def legacy_web(request: pytest.FixtureRequest) -> PracticeSystem:
    server: LegacyWebServer = request.getfixturevalue("legacy_web")
    return PracticeSystem(
        base_url=server.base_url,
        credentials=CredentialStore(environment={"LEGACY_WEB_USERNAME": "nurse", "LEGACY_WEB_PASSWORD": "nurse123"}),
        set_ui_version=lambda version: server.set_knobs(ui_version=version),
        reset=server.reset,
    )


def legacy_desktop(request: pytest.FixtureRequest) -> PracticeSystem:
    """The desktop driver launches the app itself (on its own display) from the map's launch command."""
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    settings = Settings(data_dir=factory.getbasetemp() / "legacy_desktop_suite")
    database = settings.data_dir / "practice" / "legacy_desktop.sqlite"
    ui_version = {"current": 1}

    def runtime_options(screen_map: ScreenMap) -> dict[str, Any]:
        environment = {"LEGACY_DESKTOP_UI_VERSION": str(ui_version["current"])}

        def driver() -> Driver:
            return create_desktop_driver(screen_map, settings, environment)

        return {"settings": settings, "driver_factory": driver}

    return PracticeSystem(
        base_url=None,
        credentials=CredentialStore(
            environment={"LEGACY_DESKTOP_USERNAME": "nurse", "LEGACY_DESKTOP_PASSWORD": "nurse123"}
        ),
        set_ui_version=lambda version: ui_version.update(current=version),
        reset=lambda: reset_database(database),
        runtime_options=runtime_options,
    )


HARNESSES: dict[str, Callable[[pytest.FixtureRequest], PracticeSystem]] = {
    "legacy_web": legacy_web,
    "legacy_desktop": legacy_desktop,
}

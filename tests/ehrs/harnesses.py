"""How the standard suite reaches each practice EHR: where it listens, its credentials, UI version and reset.

One entry per screen map id; a new EHR's engineer adds its harness here, next to its one-line test module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bots.credentials import CredentialStore
from practice_ehrs.legacy_web.runner import LegacyWebServer


@dataclass(frozen=True)
class PracticeSystem:
    """A running practice EHR the suite can drive and put back in its seed state."""

    base_url: str | None
    credentials: CredentialStore
    set_ui_version: Callable[[int], object]
    reset: Callable[[], None]


def legacy_web(request: pytest.FixtureRequest) -> PracticeSystem:
    server: LegacyWebServer = request.getfixturevalue("legacy_web")
    return PracticeSystem(
        base_url=server.base_url,
        credentials=CredentialStore(environment={"LEGACY_WEB_USERNAME": "nurse", "LEGACY_WEB_PASSWORD": "nurse123"}),
        set_ui_version=lambda version: server.set_knobs(ui_version=version),
        reset=server.reset,
    )


HARNESSES: dict[str, Callable[[pytest.FixtureRequest], PracticeSystem]] = {"legacy_web": legacy_web}

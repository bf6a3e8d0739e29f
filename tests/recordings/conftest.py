"""Recordings shared by the authoring tests: the web Problems workflow and a desktop chart's demographics."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from practice_ehrs.clinical_data.database import ensure_database
from practice_ehrs.legacy_web.runner import LegacyWebServer
from recordings.desktop_recorder import DesktopRecorder
from recordings.store import Recording, load_recording
from tests.recordings.authoring import record_problems
from tests.recordings.desktop_authoring import Author, practice_desktop_command, record_demographics


@pytest.fixture(scope="session")
def problems_recording(legacy_web: LegacyWebServer, tmp_path_factory: pytest.TempPathFactory) -> Recording:
    folder = tmp_path_factory.mktemp("recordings") / "problems"
    asyncio.run(record_problems(legacy_web.base_url, folder))
    return load_recording(folder)


@pytest.fixture(scope="session")
def demographics_recording(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    folder = tmp_path_factory.mktemp("desktop") / "demographics"
    database = folder.parent / "caredesk.sqlite"
    ensure_database(database)
    recorder = DesktopRecorder(practice_desktop_command(database), folder, "demographics")
    asyncio.run(recorder.start())
    try:
        record_demographics(Author(recorder))
    finally:
        recorder.stop()
    return load_recording(folder)


@pytest.fixture
def ui_version_2(legacy_web_clean: LegacyWebServer) -> Iterator[LegacyWebServer]:
    """The practice web EHR (seats freed) after its vendor upgrade; back to version 1 afterwards for everyone else."""
    legacy_web_clean.set_knobs(ui_version=2)
    try:
        yield legacy_web_clean
    finally:
        legacy_web_clean.set_knobs(ui_version=1)


@pytest.fixture
def author_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AUTHORED_WEB_USERNAME": "nurse",
        "AUTHORED_WEB_PASSWORD": "nurse123",
        "LEGACY_WEB_USERNAME": "nurse",
        "LEGACY_WEB_PASSWORD": "nurse123",
        "RETROFHIR_RECORDING_PASSWORD": "nurse123",
    }.items():
        monkeypatch.setenv(name, value)

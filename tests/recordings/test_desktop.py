"""Desktop authoring on the practice desktop EHR under Xvfb: record with X RECORD, draft, and pass map check."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.locators import OcrAnchorLocator
from recordings.cli import map_group
from recordings.desktop_replay import replay_desktop_recording
from recordings.store import Recording

pytestmark = pytest.mark.desktop


def test_clicks_and_typing_become_fills_with_label_anchors(demographics_recording: Recording) -> None:
    fills = {  # Tesseract may read "User name:" as one word or two
        a.element.suggested_name.replace("_", ""): a
        for a in demographics_recording.actions
        if a.kind == "fill" and a.element
    }
    assert fills["username"].value == "nurse"
    assert fills["username"].title == "CareDesk - Login"
    anchor = fills["username"].element.candidates[0]  # type: ignore[union-attr]
    assert isinstance(anchor, OcrAnchorLocator)
    assert anchor.text.replace(" ", "") == "Username:"
    assert anchor.offset_x > 0
    assert fills["mrn"].value == "0100164"


def test_the_desktop_password_is_never_stored(demographics_recording: Recording) -> None:
    password = next(action for action in demographics_recording.actions if action.credential)
    assert password.value is None
    for path in demographics_recording.folder.rglob("*"):
        if path.is_file():
            assert b"nurse123" not in path.read_bytes(), path


def test_every_click_has_screens_before_and_after_and_crops(demographics_recording: Recording) -> None:
    clicks = [a for a in demographics_recording.actions if a.kind in ("click", "fill")]
    assert len(clicks) >= 6
    for action in clicks:
        assert action.screenshot
        assert action.screenshot_after
        assert (demographics_recording.folder / action.screenshot).read_bytes().startswith(b"\x89PNG")
        assert action.element is not None
        assert action.element.crops or action.element.candidates[-1].kind == "region"
    fields = {a.field_name: a.value for a in demographics_recording.actions if a.kind == "field"}
    assert fields == {"last_name": "Nguyen", "first_name": "Zoé", "dob": "01/31/1990", "mrn": "0100164"}


def test_a_drafted_desktop_map_passes_check(
    demographics_recording: Recording, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHORED_DESKTOP_USERNAME", "nurse")
    monkeypatch.setenv("AUTHORED_DESKTOP_PASSWORD", "nurse123")
    map_path = tmp_path / "authored_desktop.yaml"
    runner = CliRunner()
    drafted = runner.invoke(
        map_group,
        ["draft", str(demographics_recording.folder), "--source-id", "authored_desktop", "--out", str(map_path)],
    )
    assert drafted.exit_code == 0, drafted.output
    assert "resource: Patient" in map_path.read_text(encoding="utf-8")
    assert "- press: Enter\n" in map_path.read_text(encoding="utf-8")  # the search, run with Enter
    assert list((tmp_path / "templates" / "authored_desktop").glob("*.png"))
    checked = runner.invoke(map_group, ["check", str(map_path), "--report", str(tmp_path / "report")])
    assert checked.exit_code == 0, checked.output
    assert "examples 1/1" in checked.output


def test_a_desktop_recording_replays(demographics_recording: Recording) -> None:
    result = asyncio.run(replay_desktop_recording(demographics_recording, credentials={"password": "nurse123"}))
    assert result.divergence is None, result.divergence
    assert result.actions_replayed == len(demographics_recording.actions)

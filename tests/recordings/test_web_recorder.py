"""The web recorder against real Chromium: the practice EHR's frames, and a page with every kind of control."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import quote

import pytest

from bots.map_models import ClickStep, FillStep
from recordings.actions import STEP_ADAPTER, RecordedAction
from recordings.store import Recording, load_recording
from recordings.web_recorder import RecorderOptions, WebRecorder
from tests.recordings.authoring import mark_with_overlay

CONTROLS = """<html><head><title>Controls</title></head><body>
<label for="family">Family name</label> <input id="family" name="family">
<input name="city" placeholder="City">
<input data-testid="mrn-box" name="mrn">
<select name="sex"><option>Female</option><option>Male</option></select>
<input type="checkbox" name="deceased" id="deceased"><label for="deceased">Deceased</label>
<button onclick="if (confirm('Save this record?')) document.title = 'Saved'">Save</button>
<p>Status: <b id="status">Active</b></p>
</body></html>"""

pytestmark = pytest.mark.web


def _of(recording: Recording, kind: str) -> list[RecordedAction]:
    return [action for action in recording.actions if action.kind == kind]


def test_every_action_is_a_step_the_engine_replays(problems_recording: Recording) -> None:
    steps = [STEP_ADAPTER.validate_python(a.step) for a in problems_recording.actions if a.step is not None]
    assert any(isinstance(step, ClickStep) and step.click == "problems" for step in steps)
    assert any(isinstance(step, FillStep) and step.fill == {"mrn": "0100046"} for step in steps)
    assert problems_recording.actions[0].kind == "goto"


def test_the_password_is_never_stored(problems_recording: Recording) -> None:
    (password,) = [action for action in problems_recording.actions if action.credential]
    assert password.value is None
    assert password.step == {"fill": {"password": "{credential.password}"}}
    for path in problems_recording.folder.rglob("*"):
        if path.is_file():
            assert b"nurse123" not in path.read_bytes(), path


def test_candidates_are_ranked_and_know_their_frame(problems_recording: Recording) -> None:
    tab = next(a for a in _of(problems_recording, "click") if a.element and a.element.suggested_name == "problems")
    assert tab.element is not None
    kinds = [candidate.kind for candidate in tab.element.candidates]
    assert kinds[0] == "role"
    assert kinds.index("css") < kinds.index("xpath")
    assert all(getattr(candidate, "frame", None) == tab.frame for candidate in tab.element.candidates)
    assert tab.frame is not None
    assert tab.frame.name == "main"


def test_frame_switches_navigation_screenshots_and_dom(problems_recording: Recording) -> None:
    switches = [action.frame.name for action in _of(problems_recording, "frame") if action.frame]
    assert switches[:2] == ["nav", "main"]
    assert any(a.url and a.url.endswith("/problems") for a in _of(problems_recording, "navigate"))
    for action in problems_recording.actions:
        if action.kind in ("click", "fill", "field"):
            assert action.screenshot
            assert (problems_recording.folder / action.screenshot).stat().st_size > 1000
            assert action.dom
            assert "__retrofhir_overlay" not in (problems_recording.folder / action.dom).read_text()


def test_marked_fields_carry_names_values_and_headers(problems_recording: Recording) -> None:
    fields = {action.field_name: action for action in _of(problems_recording, "field")}
    assert set(fields) == {"description", "mrn"}
    assert fields["description"].element
    assert fields["description"].element.column_header == "Problem"
    assert fields["mrn"].value == "0100046"
    assert fields["mrn"].element
    assert fields["mrn"].element.nearby_text == "MRN:"
    assert [action.key for action in _of(problems_recording, "press")] == ["Enter"]  # the Alt+Shift+M chord is no press


async def _record_controls(folder: Path) -> None:
    async with WebRecorder(
        RecorderOptions(url="data:text/html," + quote(CONTROLS), folder=folder, name="controls")
    ) as rec:
        page = rec.page
        await page.get_by_label("Family name").fill("Müller-O'Brien")
        await page.get_by_placeholder("City").fill("Clinton")
        await page.get_by_test_id("mrn-box").fill("0100046")
        await page.get_by_test_id("mrn-box").press("Enter")
        await page.locator("select").select_option("Male")
        await page.locator("#deceased").check()
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_function("document.title === 'Saved'")
        await rec.wait_for_action(lambda action: action.kind == "dialog")
        await mark_with_overlay(rec, None, "#status", "status")
        await rec.wait_for_action(lambda action: action.kind == "field")


def test_controls_dialogs_keys_and_literal_values(tmp_path: Path) -> None:
    asyncio.run(_record_controls(tmp_path / "controls"))
    recording = load_recording(tmp_path / "controls")
    fills = {a.element.suggested_name: a for a in _of(recording, "fill") if a.element}
    assert fills["family_name"].value == "Müller-O'Brien"
    assert [c.kind for c in fills["family_name"].element.candidates][:2] == ["role", "label"]  # type: ignore[union-attr]
    assert fills["city"].element.candidates[0].kind == "placeholder"  # type: ignore[union-attr]
    assert fills["mrn"].element.candidates[0].kind == "test_id"  # type: ignore[union-attr]
    assert [a.key for a in _of(recording, "press")] == ["Enter"]
    assert [a.value for a in _of(recording, "select")] == ["Male"]
    assert [a.value for a in _of(recording, "check")] == ["true"]
    (dialog,) = _of(recording, "dialog")
    assert dialog.dialog_message == "Save this record?"
    assert recording.actions[dialog.index - 1].step == {"click": "save"}
    (field,) = _of(recording, "field")
    assert field.field_name == "status"
    assert field.value == "Active"

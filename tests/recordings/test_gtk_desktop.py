"""Authoring beyond the practice EHRs: a GTK 3 desktop application (Debian's zenity) under a private Xvfb.

The application is two zenity dialogs chained by a shell: "Patient Search" asks for an MRN (its label sits above
the entry, GTK-style), Enter opens "Patient Chart", which shows a last name and a date of birth next to labels.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.map_loader import load_screen_map_text
from bots.map_models import PressStep, ReadStep
from recordings.cli import map_group
from recordings.desktop_recorder import DesktopRecorder
from recordings.draft import draft_screen_map
from recordings.store import Recording, load_recording
from tests.recordings.desktop_authoring import Author

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(shutil.which("zenity") is None, reason="zenity is installed by scripts/bootstrap.sh"),
]

CHART_SCRIPT = (
    'zenity --entry --title="Patient Search" --text="MRN:" >/dev/null && '
    'exec zenity --info --title="Patient Chart" --width=360 --text="Last Name:\\t\\tQuill\\nDOB:\\t\\t03/14/1961"'
)


def record_chart(author: Author) -> None:
    """Click into the entry under "MRN:", type the MRN, press Enter, mark the two values of the chart."""
    author.wait_for_window("Patient Search")
    label = author.find("MRN:")
    author.click_at(label.x + 40, label.y + 36)  # the entry, under its label
    author.xdotool("type", "--delay", "20", "0100046")
    author.press("Return")
    author.wait_for_window("Patient Chart")
    for value_label in ("Last Name:", "DOB:"):
        author.mark_value_of(value_label)
    author.recorder.settle()


@pytest.fixture(scope="module")
def chart_recording(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    folder = tmp_path_factory.mktemp("gtk") / "chart"
    recorder = DesktopRecorder(["sh", "-c", CHART_SCRIPT], folder, "chart")
    asyncio.run(recorder.start())
    try:
        record_chart(Author(recorder))
    finally:
        recorder.stop()
    return load_recording(folder)


def test_a_drafted_gtk_map_passes_check(chart_recording: Recording, tmp_path: Path) -> None:
    fields = {a.field_name: a.value for a in chart_recording.actions if a.kind == "field"}
    assert fields == {"last_name": "Quill", "dob": "03/14/1961"}
    fill = next(a for a in chart_recording.actions if a.kind == "fill")
    assert fill.element is not None
    assert fill.element.label == "MRN:"  # the label above a GTK entry is its OCR anchor
    assert fill.value == "0100046"

    map_path = tmp_path / "gtk_chart.yaml"
    runner = CliRunner()
    drafted = runner.invoke(
        map_group, ["draft", str(chart_recording.folder), "--source-id", "gtk_chart", "--out", str(map_path)]
    )
    assert drafted.exit_code == 0, drafted.output
    text = map_path.read_text(encoding="utf-8")
    assert "- press: Enter\n    - expect: patient_chart\n" in text
    assert "- path: name[0].family\n      field: last_name\n" in text

    checked = runner.invoke(map_group, ["check", str(map_path), "--report", str(tmp_path / "report")])
    assert checked.exit_code == 0, checked.output
    assert "0 missing, 0 not checked" in checked.output
    assert "examples 1/1" in checked.output


def test_values_marked_before_a_key_that_closes_the_window_are_read_before_it(chart_recording: Recording) -> None:
    """The author marks the chart's values, then presses Enter (zenity closes): the draft reads, then presses."""
    last = chart_recording.actions[-1]
    enter = last.model_copy(update={"index": last.index + 1, "kind": "press", "key": "Enter", "element": None})
    closing = dataclasses.replace(chart_recording, actions=[*chart_recording.actions, enter])
    flow = load_screen_map_text(draft_screen_map(closing, "gtk_chart"), "gtk_chart.yaml").flows["Patient.search"]
    kinds = [type(step) for step in flow.steps]
    assert kinds.index(ReadStep) < len(kinds) - 1 - kinds[::-1].index(PressStep)

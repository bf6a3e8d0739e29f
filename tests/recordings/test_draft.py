"""Drafting a screen map from a recording: what the real loader accepts, and the suggestions behind it."""

from __future__ import annotations

import pytest

from bots.map_loader import load_screen_map_text
from bots.map_models import PressStep, ReadTableStep, key_chord
from recordings.draft import draft_screen_map
from recordings.screens_seen import base_name, path_pattern
from recordings.store import Recording
from recordings.suggestions import date_rule, suggest

pytestmark = pytest.mark.web


def test_the_draft_loads_with_the_real_loader(problems_recording: Recording) -> None:
    text = draft_screen_map(problems_recording, "authored_web")
    screen_map = load_screen_map_text(text, "authored_web.yaml", expected_id="authored_web")
    assert screen_map.source.login is not None
    assert screen_map.source.login.fields == {"user_name": "user", "password": "password"}
    assert screen_map.screens["login"].kind == "login"
    assert screen_map.screens["login"].fields["password"].secret
    assert set(screen_map.flows) == {"Condition.search"}
    flow = screen_map.flows["Condition.search"]
    assert set(flow.params) == {"patient"}
    assert flow.params["patient"].type == "reference"
    assert any(isinstance(step, ReadTableStep) and step.into == "problems_rows" for step in flow.steps)
    assert PressStep(press="Enter", target="mrn") in flow.steps  # the search was submitted with Enter in the MRN field
    assert not [step for step in flow.steps if isinstance(step, PressStep) and step.target is None]
    (example,) = screen_map.examples
    assert example.params == {"patient": "0100046"}
    assert example.expect_includes[0]["subject"] == {"reference": "Patient/0100046"}


def test_grid_cells_become_columns_found_by_header(problems_recording: Recording) -> None:
    screen_map = load_screen_map_text(draft_screen_map(problems_recording, "authored_web"), "x.yaml")
    table = screen_map.screens["problems"].tables["rows"]
    assert [locator.kind for locator in table.columns["description"].locators] == ["cell", "xpath"]
    link = screen_map.screens["search_results"].actions["patient_name"]
    assert "Patient Name" in link.locators[0].describe()
    assert all(locator.kind != "role" for locator in link.locators)


def test_bindings_are_marked_for_the_author_to_confirm(problems_recording: Recording) -> None:
    text = draft_screen_map(problems_recording, "authored_web")
    assert "  condition:  # CONFIRM" in text
    binding = load_screen_map_text(text, "x.yaml").bindings["condition"]
    assert {(rule.path, rule.field, rule.template) for rule in binding.rules} == {
        ("code.text", "description", None),
        ("subject.reference", None, "Patient/{mrn}"),
    }


def test_only_named_keys_become_press_steps() -> None:
    assert key_chord("shift+ctrl+TAB") == "Control+Shift+Tab"
    assert key_chord("Enter") == "Enter"
    for text in ("0100046", "a", "Control+c", "Enter+Enter", "Shift+Shift+F5", "F13", ""):
        with pytest.raises(ValueError, match="named key"):
            key_chord(text)


@pytest.mark.parametrize(
    ("name", "label", "resource", "role"),
    [
        ("last_name", None, "Patient", "family"),
        ("dob", "DOB:", "Patient", "birth date"),
        ("gender", None, "Patient", "sex"),
        ("med_rec", "Med Rec #", "Patient", "identifier"),
        ("wt_lbs", None, "Observation", "weight"),
        ("spo2", "SpO2 (%)", "Observation", "oxygen saturation"),
        ("icd10", "ICD-10", "Condition", "ICD-10 code"),
    ],
)
def test_common_fields_are_suggested(name: str, label: str | None, resource: str, role: str) -> None:
    suggestion = suggest(name, label, set())
    assert suggestion is not None
    assert (suggestion.resource, suggestion.role) == (resource, role)


def test_vitals_carry_loinc_and_ucum_and_unknown_fields_nothing() -> None:
    weight = suggest("weight", None, set())
    assert weight is not None
    assert weight.vital is not None
    assert (weight.vital.loinc, weight.vital.ucum) == ("29463-7", "[lb_av]")
    assert suggest("favourite_colour", None, set()) is None
    assert suggest("status", None, set()) is None
    assert suggest("status", None, {"Condition"}) is not None


def test_dates_screens_and_paths() -> None:
    assert date_rule("03/14/1958") == {"type": "date", "format": "MM/DD/YYYY"}
    assert date_rule("1958-03-14") == {"type": "date"}
    assert path_pattern("http://h:1/chart/17/problems") == (r"/chart/\d+/problems", False)
    assert path_pattern("http://h:1/search?go=1") == ("/search", True)
    assert base_name("http://h:1/chart/17/problems", None) == "problems"
    assert base_name("http://h:1/", "Main Window") == "main_window"

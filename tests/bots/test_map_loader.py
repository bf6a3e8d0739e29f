"""Tests of loading screen maps: a valid map loads, and each kind of mistake names its file, line and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.errors import ScreenMapError
from bots.map_loader import load_screen_map, load_screen_map_text

MAPS = Path(__file__).parent / "maps"
MINI = MAPS / "mini_web.yaml"


def _problems_of(text: str, expected_id: str = "mini_web") -> list[str]:
    with pytest.raises(ScreenMapError) as caught:
        load_screen_map_text(text, "mini_web.yaml", expected_id=expected_id)
    return [str(problem) for problem in caught.value.problems]


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_valid_map_loads() -> None:
    screen_map = load_screen_map(MINI)
    assert screen_map.source.id == "mini_web"
    assert screen_map.capabilities() == {"Patient": ["read", "search", "update"]}
    assert screen_map.screens["patient"].fields["mrn"].locators[1].kind == "css"


def test_unknown_key_names_its_line() -> None:
    text = MINI.read_text().replace("  seat_limit: 2", "  seat_limit: 2\n  seats: 3")
    (problem,) = _problems_of(text)
    assert problem == f"mini_web.yaml:{_line_of(text, 'seats: 3')}: source: unknown key 'seats'"


def test_wrong_type_deep_inside_a_locator_names_its_line() -> None:
    text = MINI.read_text().replace('{kind: label, text: "Phone"}', '{kind: label, text: "Phone", exact: maybe}')
    (problem,) = _problems_of(text)
    assert problem.startswith(f"mini_web.yaml:{_line_of(text, 'exact: maybe')}: screens.patient_edit.fields.phone")
    assert "boolean" in problem


def test_unknown_locator_kind() -> None:
    text = MINI.read_text().replace("{kind: test_id, value: first}", "{kind: telepathy, value: first}")
    (problem,) = _problems_of(text)
    assert f":{_line_of(text, 'telepathy')}:" in problem
    assert "telepathy" in problem


def test_unknown_screen_in_flow() -> None:
    text = MINI.read_text().replace("      - expect: patient_edit", "      - expect: patient_editor")
    (problem,) = _problems_of(text)
    line = _line_of(text, "expect: patient_editor")
    assert problem == f"mini_web.yaml:{line}: flows.Patient.update.steps.1.expect: unknown screen 'patient_editor'"


def test_field_missing_on_the_screen_a_step_uses() -> None:
    text = MINI.read_text().replace("      - fill: [phone]", "      - fill: [fax]")
    problems = _problems_of(text)
    assert problems == [
        f"mini_web.yaml:{_line_of(text, 'fill: [fax]')}: flows.Patient.update.steps.2.fill: "
        "screen 'patient_edit' has no field 'fax'"
    ]


def test_binding_field_the_record_lacks() -> None:
    text = MINI.read_text().replace("field: first_name}", "field: given_name}")
    (problem,) = _problems_of(text)
    assert f"mini_web.yaml:{_line_of(text, 'given_name')}: bindings.patient.rules.3:" in problem
    assert "'given_name'" in problem


def test_id_must_match_file_name() -> None:
    (problem,) = _problems_of(MINI.read_text(), expected_id="other_web")
    assert problem == "mini_web.yaml:2: source.id: source id 'mini_web' does not match the file name 'other_web'"


def test_duplicate_screen_name() -> None:
    text = MINI.read_text().replace("  home:\n", "  login:\n")
    (problem,) = _problems_of(text)
    assert problem.endswith("screens: duplicate key 'login'")


def test_unknown_step_kind_and_credentials_by_name_only() -> None:
    text = MINI.read_text().replace("      - goto: /search", "      - wander: /search")
    text = text.replace("password: {env: MINI_WEB_PASSWORD}", "password: {env: MINI_WEB_PASSWORD, value: hunter2}")
    problems = _problems_of(text)
    assert any("unknown key 'value'" in problem for problem in problems)
    assert any("a step must have exactly one of" in problem for problem in problems)


def test_yaml_syntax_error_has_line() -> None:
    text = MINI.read_text().replace("  seat_limit: 2", "  seat_limit: [2")
    (problem,) = _problems_of(text)
    assert problem.startswith("mini_web.yaml:")


def test_missing_file() -> None:
    with pytest.raises(ScreenMapError, match="cannot read"):
        load_screen_map(MAPS / "absent.yaml")


def test_write_flows_must_read_back_and_write_examples_say_so() -> None:
    text = MINI.read_text().replace('    verify: {flow: Patient.read, params: {mrn: "{resource.id}"}}\n', "")
    text = text.replace("    interaction: Patient.read\n", "    interaction: Patient.read\n    writes: true\n")
    problems = _problems_of(text)
    assert any("Patient.update: a write flow needs `verify`" in problem for problem in problems)
    assert any(
        problem.endswith(
            "examples.0: `writes: true` marks exactly the examples that create or update (health checks skip them)"
        )
        for problem in problems
    )


def test_reading_a_column_the_table_lacks() -> None:
    text = MINI.read_text().replace("        pages: cursor\n", "        pages: cursor\n        columns: [mrn, ward]\n")
    (problem,) = _problems_of(text)
    assert problem == (
        f"mini_web.yaml:{_line_of(text, 'columns: [mrn, ward]')}: flows.Patient.search.steps.5.columns: "
        "table 'results' has no column 'ward'"
    )


def test_press_target_missing_on_the_screen_names_its_line() -> None:
    text = MINI.read_text().replace(
        "      - fill: [phone]\n", "      - fill: [phone]\n      - press: Enter\n        target: fax\n"
    )
    (problem,) = _problems_of(text)
    assert problem == (
        f"mini_web.yaml:{_line_of(text, 'target: fax')}: flows.Patient.update.steps.3.target: "
        "screen 'patient_edit' has no action or field 'fax'"
    )


def test_press_on_a_field_or_action_of_the_screen_loads() -> None:
    for target in ("phone", "save"):
        text = MINI.read_text().replace(
            "      - fill: [phone]\n", f"      - fill: [phone]\n      - press: Tab\n        target: {target}\n"
        )
        assert load_screen_map_text(text, "mini_web.yaml", expected_id="mini_web").flows["Patient.update"].steps[3]


def test_press_target_before_any_expect_needs_a_screen() -> None:
    text = MINI.read_text().replace(
        "      - expect: patient_edit\n", "      - press: Enter\n        target: phone\n      - expect: patient_edit\n"
    )
    (problem,) = _problems_of(text)
    assert problem == (
        f"mini_web.yaml:{_line_of(text, 'press: Enter')}: flows.Patient.update.steps.1: "
        "no screen is expected before this step (add an `expect` step)"
    )


def test_a_logout_to_an_unknown_screen_names_its_line() -> None:
    logout = "  logout:\n    path: /logout\n    success: [signed_off]\n"
    text = MINI.read_text().replace("  seat_limit: 2\n", logout + "  seat_limit: 2\n")
    (problem,) = _problems_of(text)
    assert problem == (
        f"mini_web.yaml:{_line_of(text, 'success: [signed_off]')}: source.logout.success: unknown screen 'signed_off'"
    )

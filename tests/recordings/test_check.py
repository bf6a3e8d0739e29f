"""`map check` against the live practice EHR: drift after the vendor's upgrade, and a missing element failing it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.map_loader import load_screen_map
from practice_ehrs.legacy_web.runner import LegacyWebServer
from recordings.check import check_screen_map, contains
from recordings.check_report import write_html
from recordings.cli import map_group
from recordings.draft import draft_screen_map
from recordings.store import Recording

SHIPPED_MAP = Path(__file__).parents[2] / "screen_maps" / "legacy_web.yaml"

pytestmark = pytest.mark.web


@pytest.mark.usefixtures("author_credentials")
def test_ui_version_2_names_exactly_what_moved(ui_version_2: LegacyWebServer, tmp_path: Path) -> None:
    screen_map = load_screen_map(SHIPPED_MAP)
    report = asyncio.run(check_screen_map(screen_map, base_url=ui_version_2.base_url, ui_version=2))
    assert report.ok
    surname = report.element("demographics", "last_name")
    assert (surname.status, surname.rank) == ("drift", 1)
    assert "Surname" in (surname.matched or "")
    assert "Last Name:" in (surname.detail or "")
    assert report.element("search_results", "results.mrn").matched == "cell under 'Med Rec #'"
    assert report.element("demographics", "mrn").status == "drift"
    html = write_html(report, tmp_path).read_text(encoding="utf-8")
    assert "Surname" in html
    assert (tmp_path / "demographics.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.usefixtures("author_credentials")
def test_a_missing_element_fails_the_check(
    problems_recording: Recording, legacy_web_clean: LegacyWebServer, tmp_path: Path
) -> None:
    text = draft_screen_map(problems_recording, "authored_web").replace("header: Problem", "header: Diagnosis")
    text = text.replace("./td[1]", "./td[9]")
    path = tmp_path / "authored_web.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        map_group, ["check", str(path), "--url", legacy_web_clean.base_url, "--report", str(tmp_path / "report")]
    )
    assert result.exit_code == 1, result.output
    assert "MISSING problems.rows.description" in result.output
    assert (tmp_path / "report" / "authored_web" / "report.html").exists()


def test_contains_is_a_subset_match() -> None:
    assert contains({"a": [{"b": 1, "c": 2}], "d": 3}, {"a": [{"b": 1}]})
    assert not contains({"a": [{"b": 1}]}, {"a": [{"b": 2}]})

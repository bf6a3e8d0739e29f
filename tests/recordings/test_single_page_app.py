"""Authoring beyond the practice EHRs: a single-page app with generated class names, no ids and pushState routes."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from recordings.cli import map_group
from recordings.store import Recording, load_recording
from recordings.web_recorder import RecorderOptions, WebRecorder
from tests.recordings.authoring import mark_with_overlay
from tests.web_fixtures import QuietHandler, serve_directory

pytestmark = pytest.mark.web

PAGES = Path(__file__).parent / "pages"


class SinglePageHandler(QuietHandler):
    """Serves spa.html for every /spa/ route, as a single-page app's server does."""

    def do_GET(self) -> None:
        if self.path.startswith("/spa/"):
            self.path = "/spa.html"
        super().do_GET()


@pytest.fixture(scope="module")
def spa_site() -> Iterator[str]:
    """tests/recordings/pages/spa.html, served on a free 127.0.0.1 port."""
    with serve_directory(PAGES, SinglePageHandler) as base_url:
        yield base_url


async def record_ward_board(base_url: str, folder: Path) -> set[str]:
    """Open the second patient from the board, mark the name and date of birth; the class names seen on the way."""
    options = RecorderOptions(url=f"{base_url}/spa/patients", folder=folder, name="ward_board")
    async with WebRecorder(options) as recorder:
        page = recorder.page
        await page.get_by_role("link", name="Bram Otter").click()
        await page.wait_for_url("**/spa/patients/2")
        await mark_with_overlay(recorder, None, "span:right-of(:text-is('Name')) >> nth=0", "name")
        await mark_with_overlay(recorder, None, "span:right-of(:text-is('Date of birth')) >> nth=0", "born")
        classes: list[str] = await page.evaluate(
            "Array.from(document.querySelectorAll('body *')).map((node) => node.className).filter(String)"
        )
    return {name for name in classes if name.startswith("c-")}


@pytest.fixture(scope="module")
def ward_board(spa_site: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Recording, set[str]]:
    folder = tmp_path_factory.mktemp("spa") / "ward_board"
    classes = asyncio.run(record_ward_board(spa_site, folder))
    return load_recording(folder), classes


def test_a_drafted_single_page_app_map_passes_check(
    ward_board: tuple[Recording, set[str]], spa_site: str, tmp_path: Path
) -> None:
    recording, classes = ward_board
    assert {a.field_name: a.value for a in recording.actions if a.kind == "field"} == {
        "name": "Bram Otter",
        "born": "1977-11-02",
    }
    runner = CliRunner()
    map_path = tmp_path / "ward_board.yaml"
    drafted = runner.invoke(
        map_group, ["draft", str(recording.folder), "--source-id", "ward_board", "--out", str(map_path)]
    )
    assert drafted.exit_code == 0, drafted.output
    text = map_path.read_text(encoding="utf-8")
    assert classes
    assert not any(name in text for name in classes)  # generated class names never become locators
    assert re.search(r"spa/patients/\\d\+", text), text  # the detail route is recognised with its number generalised
    assert "- kind: xpath\n          expression: //span[normalize-space(.)='Name']/following-sibling::span[1]\n" in text

    checked = runner.invoke(map_group, ["check", str(map_path), "--url", spa_site, "--report", str(tmp_path / "r")])
    assert checked.exit_code == 0, checked.output
    assert "PASSED" in checked.output
    assert "0 missing" in checked.output
    assert "examples 1/1" in checked.output

"""The issue's proof, played as a bot author: record the Problems tab, draft, confirm the bindings, check passes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.map_loader import load_screen_map
from practice_ehrs.legacy_web.runner import LegacyWebServer
from recordings.cli import map_group
from recordings.store import Recording


@pytest.mark.usefixtures("author_credentials")
def test_recorded_problems_become_a_map_that_passes_check(
    problems_recording: Recording, legacy_web_clean: LegacyWebServer, tmp_path: Path
) -> None:
    runner = CliRunner()
    map_path = tmp_path / "authored_web.yaml"
    drafted = runner.invoke(
        map_group, ["draft", str(problems_recording.folder), "--source-id", "authored_web", "--out", str(map_path)]
    )
    assert drafted.exit_code == 0, drafted.output

    # The author reviews the suggestions: keeps them, adds the ICD-10 column they forgot to mark, confirms.
    text = map_path.read_text(encoding="utf-8")
    assert "CONFIRM" in text
    text = re.sub(r"  # CONFIRM.*", "", text)
    text = text.replace(
        "            - kind: xpath\n              expression: ./td[1]\n",
        "            - kind: xpath\n              expression: ./td[1]\n"
        "          icd10:\n            locators:\n            - kind: cell\n              header: ICD-10\n",
    )
    text = text.replace(
        "    - path: code.text\n      field: description\n",
        "    - path: code.text\n      field: description\n"
        "    - path: code.coding[0].system\n      constant: http://hl7.org/fhir/sid/icd-10-cm\n"
        "    - path: code.coding[0].code\n      field: icd10\n",
    )
    map_path.write_text(text, encoding="utf-8")
    assert load_screen_map(map_path).screens["problems"].tables["rows"].columns["icd10"]

    checked = runner.invoke(
        map_group, ["check", str(map_path), "--url", legacy_web_clean.base_url, "--report", str(tmp_path / "report")]
    )
    assert checked.exit_code == 0, checked.output
    assert "PASSED" in checked.output
    assert "examples 1/1" in checked.output
    assert "0 missing" in checked.output

"""The issue's proof, played as a bot author: record the Problems tab, draft, confirm, check passes, FHIR serves it."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from bots.engine import SourceRuntime
from bots.map_loader import load_screen_map
from fhir_facade.app import create_app
from fhir_facade.cli import issue_dev_token
from fhir_facade.providers.bot_provider import BotProvider
from practice_ehrs.legacy_web.runner import LegacyWebServer
from recordings.cli import map_group
from recordings.store import Recording
from retrofhir.config import Settings

pytestmark = pytest.mark.web


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
    assert (
        "- press: Enter\n      target: mrn\n" in text
    )  # the recorded Enter is a step `map check` runs through the engine
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

    bundle = asyncio.run(_served_through_the_facade(map_path, legacy_web_clean.base_url, tmp_path))
    conditions = [entry["resource"] for entry in bundle["entry"]]
    description = next(a.value for a in problems_recording.actions if a.field_name == "description")
    assert any(condition["code"]["text"] == description for condition in conditions)
    assert all(condition["subject"] == {"reference": "Patient/0100046"} for condition in conditions)
    assert all(condition["code"]["coding"][0]["system"].endswith("icd-10-cm") for condition in conditions)


async def _served_through_the_facade(map_path: Path, legacy_url: str, data_dir: Path) -> dict[str, Any]:
    """The confirmed map behind the FHIR facade (bot-backed provider, dev-mode token), searched over HTTP."""
    settings = Settings(data_dir=data_dir)
    runtime = SourceRuntime(load_screen_map(map_path), settings=settings, base_url=legacy_url)
    app = create_app(settings, {"authored-web": BotProvider(runtime, "authored-web")})
    token = await issue_dev_token(settings, [])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with httpx.AsyncClient(timeout=60) as client:
            response = await client.get(
                f"http://127.0.0.1:{port}/fhir/authored-web/Condition",
                params={"patient": "0100046"},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found
    finally:
        server.should_exit = True
        await serving
        await runtime.close()

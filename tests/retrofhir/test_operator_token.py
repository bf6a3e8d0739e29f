"""The queue admin API of `retrofhir serve` needs the `operator` role: `dev-token` grants it only when asked."""

from __future__ import annotations

from pathlib import Path

import anyio
import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from retrofhir.cli import main
from retrofhir.config import load_settings
from retrofhir.wiring.system import RetroFhirSystem
from tests.scheduler.processes import free_port

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300)]


def _dev_token(*arguments: str) -> str:
    result = CliRunner().invoke(main, ["dev-token", *arguments])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


async def test_only_a_token_asked_with_the_operator_role_reaches_the_queue_admin_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    maps = tmp_path / "maps"
    maps.mkdir()
    monkeypatch.setenv("RETROFHIR_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("RETROFHIR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RETROFHIR_SCREEN_MAPS_DIR", str(maps))
    monkeypatch.setenv("RETROFHIR_FACADE__PORT", str(port))
    monkeypatch.setenv("RETROFHIR_FACADE__PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    settings = load_settings()
    async with RetroFhirSystem(settings) as system:
        server = uvicorn.Server(uvicorn.Config(system.app, host="127.0.0.1", port=port, log_level="warning"))
        async with anyio.create_task_group() as group:
            group.start_soon(server.serve)
            try:
                with anyio.fail_after(60):
                    while not server.started:
                        await anyio.sleep(0.05)
                default = await anyio.to_thread.run_sync(_dev_token)
                operator = await anyio.to_thread.run_sync(_dev_token, "--role", "operator")
                url = f"http://127.0.0.1:{port}/admin/queue/writes"
                async with httpx.AsyncClient() as client:
                    refused = await client.get(url, headers={"Authorization": f"Bearer {default}"})
                    allowed = await client.get(url, headers={"Authorization": f"Bearer {operator}"})
            finally:
                server.should_exit = True
    assert refused.status_code == 403
    assert "operator" in refused.text
    assert allowed.status_code == 200, allowed.text
    assert allowed.json() == []

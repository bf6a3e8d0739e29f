"""`retrofhir demo --check`, as `make demo` runs it: practice EHR, serve and real FHIR calls, exit code 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from practice_ehrs.legacy_web.runner import free_port

DEMO_TIMEOUT_S = 280


def test_demo_check_runs_every_call_end_to_end(tmp_path: Path) -> None:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("RETROFHIR_")}
    environment.update(
        {
            "RETROFHIR_CONFIG": str(tmp_path / "no-config.toml"),
            "RETROFHIR_DATA_DIR": str(tmp_path / "var"),
            "RETROFHIR_PRACTICE_WEB__DATABASE": str(tmp_path / "var" / "practice" / "legacy_web.sqlite"),
            "COLUMNS": "200",
        }
    )
    command = [sys.executable, "-m", "retrofhir", "demo", "--check", "--no-desktop"]
    command += ["--port", str(free_port()), "--ehr-port", str(free_port())]
    finished = subprocess.run(
        command, env=environment, cwd=tmp_path, capture_output=True, text=True, timeout=DEMO_TIMEOUT_S, check=False
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, output[-4000:]
    assert "FAILED" not in output
    for call in ("GET /metadata", "GET /Patient?family=smith", "POST /Observation"):
        assert call in output
    assert "not written twice" in output
    assert "export TOKEN=" in output

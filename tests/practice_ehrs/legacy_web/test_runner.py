"""The subprocess runner: start-up knobs, in-place reset after real writes, stop by PID, start failures."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from practice_ehrs.legacy_web.runner import LegacyWebServer, LegacyWebStartError, running_legacy_web


def test_runner_applies_start_knobs_resets_in_place_and_stops(tmp_path: Path) -> None:
    database = tmp_path / "web.sqlite"
    with running_legacy_web(database, knobs={"ui_version": 2, "seat_limit": 1}) as server:
        assert server.knobs()["ui_version"] == 2
        assert server.knobs()["seat_limit"] == 1
        seed_count = server.query("SELECT COUNT(*) AS n FROM vitals")[0]["n"]
        inode = database.stat().st_ino
        with httpx.Client(base_url=server.base_url) as client:
            client.post("/login", data={"username": "nurse", "password": "nurse123"})
            saved = client.post(
                "/chart/1/vitals/new", data={"taken_date": "01/01/2026", "taken_time": "08:00", "pulse": "70"}
            )
        assert "Record saved" in saved.text
        assert server.query("SELECT COUNT(*) AS n FROM vitals")[0]["n"] == seed_count + 1

        server.set_knobs(ui_version=1)
        server.reset()

        assert server.query("SELECT COUNT(*) AS n FROM vitals")[0]["n"] == seed_count
        assert database.stat().st_ino == inode
        assert server.knobs()["ui_version"] == 2
        pid = server.pid
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_runner_reports_a_server_that_cannot_start(tmp_path: Path, legacy_web: LegacyWebServer) -> None:
    taken_port = int(legacy_web.base_url.rsplit(":", 1)[1])

    with pytest.raises(LegacyWebStartError), running_legacy_web(tmp_path / "web.sqlite", port=taken_port):
        pytest.fail("a second server on a taken port must not start")

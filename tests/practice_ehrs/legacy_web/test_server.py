"""The `retrofhir practice web` command: options and environment reach the knobs; bad knobs are refused."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from practice_ehrs.legacy_web.server import web_command


def test_bad_knob_values_are_refused_before_serving(tmp_path: Path) -> None:
    database = str(tmp_path / "web.sqlite")
    options = ["--host", "127.0.0.1", "--port", "1", "--database", database]

    from_option = CliRunner().invoke(web_command, [*options, "--seat-limit", "0"])
    from_environment = CliRunner().invoke(web_command, options, env={"LEGACY_WEB_FAILURE_RATE": "7"})

    assert from_option.exit_code == 2
    assert "seat_limit must be at least 1" in from_option.output
    assert from_environment.exit_code == 2
    assert "failure_rate must be between 0 and 1" in from_environment.output
    assert not Path(database).exists()

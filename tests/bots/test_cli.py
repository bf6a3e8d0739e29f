"""`retrofhir bot`: check a map, and run a flow whose failures go to stderr without patient data."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bots.cli import bot


def test_check_prints_capabilities() -> None:
    result = CliRunner().invoke(bot, ["check", "legacy_web"])
    assert result.exit_code == 0
    assert json.loads(result.output)["capabilities"]["Patient"] == ["read", "search", "history", "create", "update"]


def test_unknown_source_is_a_clear_error() -> None:
    result = CliRunner().invoke(bot, ["check", "no_such_ehr"])
    assert result.exit_code == 1
    assert "no_such_ehr.yaml" in result.output


def test_run_without_credentials_fails_before_browsing() -> None:
    runner = CliRunner(env={"LEGACY_WEB_USERNAME": "nurse", "LEGACY_WEB_PASSWORD": None})
    result = runner.invoke(bot, ["run", "legacy_web", "Patient.read", "--param", "id=0100046"])
    assert result.exit_code == 1
    assert "ConfigurationError: missing credentials: set LEGACY_WEB_PASSWORD" in result.output


def test_parameters_are_name_value_pairs() -> None:
    result = CliRunner().invoke(bot, ["run", "legacy_web", "Patient.search", "--param", "Smith"])
    assert result.exit_code == 2
    assert "expected NAME=VALUE" in result.output

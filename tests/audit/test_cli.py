"""`retrofhir audit ...` end to end through click, against a real trail on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from audit import AuditSettings, AuditTrail, append_new_key
from audit.cli import audit
from audit.schema import ChainRecord
from tests.audit.conftest import make_run, record_runs


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "RETROFHIR_CONFIG": str(tmp_path / "absent.toml"),
        "RETROFHIR_DATA_DIR": str(tmp_path),
        "RETROFHIR_AUDIT__KEY_ENV": "RETROFHIR_TEST_UNSET",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    append_new_key(tmp_path / "audit" / "keys", "k1")
    trail = AuditTrail.open(AuditSettings(key_env="RETROFHIR_TEST_UNSET"), tmp_path)
    record_runs(trail, [make_run("run-1"), make_run("run-2")])
    trail.close()
    return values


def test_verify_passes_then_names_the_first_altered_record(environment: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    passed = runner.invoke(audit, ["verify"])
    assert passed.exit_code == 0, passed.output
    assert "OK: the chain and every screenshot match" in passed.stdout
    head = passed.stdout.split("--anchor ")[1].split()[0]
    anchored = runner.invoke(audit, ["verify", "--anchor", head])
    assert anchored.exit_code == 0, anchored.output
    assert runner.invoke(audit, ["verify", "--anchor", "7:nothex"]).exit_code == 2
    trail = AuditTrail.open(AuditSettings(key_env="RETROFHIR_TEST_UNSET"), tmp_path)
    with trail.session() as session:
        session.execute(update(ChainRecord).where(ChainRecord.seq == 7).values(run_id="run-9"))
    trail.close()
    failed = runner.invoke(audit, ["verify", "--anchor", head])
    assert failed.exit_code == 1
    assert "FAILED: record 7: record hash does not match its fields" in failed.stderr


def test_export_purge_keygen_rotate_and_show_record(environment: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "run-1.html"
    exported = runner.invoke(audit, ["export", "--run", "run-1", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (out.stat().st_mode & 0o777) == 0o600
    assert runner.invoke(audit, ["export", "--run", "nope", "--out", str(out)]).exit_code == 1
    assert runner.invoke(audit, ["keygen", "--key-id", "k2"]).exit_code == 0
    rotated = runner.invoke(audit, ["rotate"])
    assert "re-encrypted 1 screenshots under key k2" in rotated.output
    shown = runner.invoke(audit, ["show-record", "1"])
    assert "kind run-started run run-1" in shown.output
    purged = runner.invoke(audit, ["purge", "--days", "-1"])
    assert "purged records 2-5, 8-11" in purged.output, purged.output
    verified = runner.invoke(audit, ["verify"])
    assert verified.exit_code == 0, verified.output
    assert "purged records (hashes only): 2-5, 8-11" in verified.output

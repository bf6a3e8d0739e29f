"""Key ring: key ids, rotation (new writes use the newest key, old blobs stay readable), authentication."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from audit import AuditKeyError, KeyRing, NoAuditKey, append_new_key
from audit.keys import BlobCorrupted, UnknownKeyId, parse_keys


def test_new_writes_use_the_newest_key_and_old_blobs_stay_readable(tmp_path: Path) -> None:
    key_file = tmp_path / "keys"
    append_new_key(key_file, "2026-01")
    old_ring = KeyRing.load(key_file, "RETROFHIR_TEST_UNSET")
    old_blob = old_ring.encrypt(b"old screenshot", b"aad")
    append_new_key(key_file, "2026-02")
    ring = KeyRing.load(key_file, "RETROFHIR_TEST_UNSET")
    assert ring.key_ids == ["2026-01", "2026-02"]
    assert ring.key_id_of(old_blob) == "2026-01"
    assert ring.decrypt(old_blob, b"aad") == b"old screenshot"
    new_blob = ring.encrypt(b"new screenshot", b"aad")
    assert ring.key_id_of(new_blob) == "2026-02"
    with pytest.raises(UnknownKeyId):
        old_ring.decrypt(new_blob, b"aad")
    assert (key_file.stat().st_mode & 0o777) == 0o600


def test_a_blob_filed_under_other_associated_data_or_altered_fails(tmp_path: Path) -> None:
    key_file = tmp_path / "keys"
    append_new_key(key_file, "k1")
    ring = KeyRing.load(key_file, "RETROFHIR_TEST_UNSET")
    blob = ring.encrypt(b"png bytes", b"hash-a")
    with pytest.raises(BlobCorrupted):
        ring.decrypt(blob, b"hash-b")
    with pytest.raises(BlobCorrupted):
        ring.decrypt(blob[:-1] + bytes([blob[-1] ^ 1]), b"hash-a")


def test_the_environment_variable_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    material = base64.b64encode(bytes(range(32))).decode()
    monkeypatch.setenv("RETROFHIR_TEST_KEYS", f"env-old:{material}, env-new {material}")
    ring = KeyRing.load(tmp_path / "absent", "RETROFHIR_TEST_KEYS")
    assert ring.key_ids == ["env-old", "env-new"]
    assert ring.newest.key_id == "env-new"


def test_missing_and_malformed_keys_are_reported_without_key_material(tmp_path: Path) -> None:
    with pytest.raises(NoAuditKey):
        KeyRing.load(tmp_path / "absent", "RETROFHIR_TEST_UNSET")
    with pytest.raises(AuditKeyError, match="must be 32 bytes"):
        parse_keys("short " + base64.b64encode(b"x" * 16).decode(), "test")
    with pytest.raises(AuditKeyError, match="not valid base64") as caught:
        parse_keys("bad not*base64", "test")
    assert "not*base64" not in str(caught.value)

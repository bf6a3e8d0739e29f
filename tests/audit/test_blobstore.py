"""Screenshot files: content-addressed, stored once, encrypted at rest, re-encrypted on rotation."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import KeyRing, ScreenshotMismatch, ScreenshotStore, append_new_key
from audit.blobstore import sha256_hex
from tests.audit.conftest import legacy_screen_png


@pytest.fixture
def store(tmp_path: Path) -> ScreenshotStore:
    append_new_key(tmp_path / "keys", "k1")
    return ScreenshotStore(tmp_path / "shots", KeyRing.load(tmp_path / "keys", "RETROFHIR_TEST_UNSET"))


def test_identical_screenshots_are_stored_once_and_named_by_their_plaintext_hash(store: ScreenshotStore) -> None:
    png = legacy_screen_png("Chart", {"Family name": "Smith"})
    first, second = store.put(png), store.put(png)
    assert first == second == sha256_hex(png)
    assert store.all_digests() == [first]
    assert store.get(first) == png


def test_files_on_disk_hold_no_plaintext(store: ScreenshotStore) -> None:
    png = legacy_screen_png("Chart", {"Family name": "Smith"})
    digest = store.put(png)
    on_disk = store.path_of(digest).read_bytes()
    assert b"\x89PNG" not in on_disk
    assert b"IHDR" not in on_disk
    assert png[40:80] not in on_disk


def test_rotation_re_encrypts_under_the_newest_key_so_old_keys_can_go(tmp_path: Path, store: ScreenshotStore) -> None:
    png = legacy_screen_png("Chart", {"Family name": "Jones"})
    digest = store.put(png)
    append_new_key(tmp_path / "keys", "k2")
    rotated = ScreenshotStore(store.root, KeyRing.load(tmp_path / "keys", "RETROFHIR_TEST_UNSET"))
    assert rotated.get(digest) == png
    assert rotated.reencrypt(digest) is True
    assert rotated.reencrypt(digest) is False
    newest_only = (tmp_path / "keys").read_text().splitlines()[-1]
    (tmp_path / "keys-new").write_text(newest_only + "\n")
    only_new = ScreenshotStore(store.root, KeyRing.load(tmp_path / "keys-new", "RETROFHIR_TEST_UNSET"))
    assert only_new.get(digest) == png


def test_a_file_renamed_to_another_hash_is_rejected(store: ScreenshotStore) -> None:
    first = store.put(legacy_screen_png("A", {"x": "1"}))
    second = store.put(legacy_screen_png("B", {"x": "2"}))
    store.path_of(first).write_bytes(store.path_of(second).read_bytes())
    with pytest.raises(ScreenshotMismatch):
        store.get(first)

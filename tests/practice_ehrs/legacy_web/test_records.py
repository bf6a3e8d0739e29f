"""Record reads and writes against a real seeded SQLite database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from practice_ehrs.clinical_data import connect, reset_database
from practice_ehrs.legacy_web.records import (
    add_allergy,
    find_user,
    lab_page,
    recently_updated,
    register_patient,
    search_patients,
)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    path = tmp_path / "web.sqlite"
    reset_database(path)
    connection = connect(path)
    try:
        yield connection
    finally:
        connection.close()


def test_users_need_the_right_password(db: sqlite3.Connection) -> None:
    assert find_user(db, "nurse", "nurse123") == "Night Nurse"
    assert find_user(db, "nurse", "NURSE123") is None
    assert find_user(db, "ghost", "") is None


def test_name_prefixes_match_case_insensitively_beyond_ascii(db: sqlite3.Connection) -> None:
    found = search_patients(db, {"last": "MÜLLER-o'", "first": "jOSÉ"}, page=1)
    assert [row["id"] for row in found.rows] == [3]
    assert search_patients(db, {"last": "%"}, page=1).total == 0
    assert search_patients(db, {"last": "_mith"}, page=1).total == 0


def test_paging_clamps_to_the_last_page(db: sqlite3.Connection) -> None:
    everyone = search_patients(db, {"last": ""}, page=99)
    assert (everyone.total, everyone.count, everyone.number, len(everyone.rows)) == (520, 21, 21, 20)
    patient_id = db.execute("SELECT patient_id FROM labs GROUP BY patient_id HAVING COUNT(*) = 12").fetchone()[0]
    labs = lab_page(db, patient_id, page=2)
    assert (labs.count, len(labs.rows)) == (2, 2)


def test_writes_stamp_updated_at_and_registration_takes_the_next_mrn(db: sqlite3.Connection) -> None:
    assert recently_updated(db, "2026-07-01", page=1).total == 0
    add_allergy(db, 4, {"allergen": "latex", "reaction": "", "severity": "Mild", "recorded_date": "2026-01-01"})
    highest = db.execute("SELECT MAX(CAST(mrn AS INTEGER)) FROM patients").fetchone()[0]
    new_id = register_patient(db, {"last_name": "Doe", "first_name": "Alex", "dob": "2001-05-05", "sex": "U"})

    changed = recently_updated(db, "2026-07-01", page=1)
    assert {row["id"] for row in changed.rows} == {4, new_id}
    assert db.execute("SELECT mrn FROM patients WHERE id = ?", (new_id,)).fetchone()[0] == f"{highest + 1:07d}"
    assert (
        db.execute("SELECT COUNT(*) FROM patients WHERE last_name = 'Doe' AND first_name = 'Alex'").fetchone()[0] == 2
    )

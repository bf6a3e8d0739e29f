"""The desktop EHR's database layer on a real SQLite file: search, writes, timestamps, MRNs, rollback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from practice_ehrs.clinical_data import query
from practice_ehrs.legacy_desktop.store import ClinicalStore
from practice_ehrs.legacy_desktop.validation import (
    AllergyInput,
    ContactInput,
    RegistrationInput,
    VitalsInput,
)

VITALS = VitalsInput("2026-07-01", "09:30", 181.5, None, "128/82", 98.6, 72, None, "")
CONTACT = ContactInput("(555) 123-4567", "1 Main St", "Springfield", "OH", "45501")


@pytest.fixture
def store(tmp_path: Path) -> ClinicalStore:
    return ClinicalStore(tmp_path / "desktop.sqlite")


def test_sign_in_checks_the_users_table(store: ClinicalStore) -> None:
    assert store.authenticate("nurse", "nurse123") == "Night Nurse"
    assert store.authenticate("nurse", "Nurse123") is None
    assert store.authenticate("nobody", "nurse123") is None


def test_search_matches_name_prefixes_ignoring_case_even_outside_ascii(store: ClinicalStore) -> None:
    johns = store.search_patients("smith", "JOHN", "", "")
    assert [(p["first_name"], p["dob"]) for p in johns] == [("John", "1958-03-14"), ("John", "1984-11-02")]
    assert [p["first_name"] for p in store.search_patients("müller-o", "", "", "")] == ["José"]
    assert store.search_patients("%", "", "", "") == []
    assert store.search_patients("", "", "", "") == []
    mrn = johns[0]["mrn"]
    assert [p["mrn"] for p in store.search_patients("", "", "", mrn)] == [mrn]
    assert [p["mrn"] for p in store.search_patients("", "", "1958-03-14", "")] == [mrn]


def test_every_write_stamps_the_patient_and_lands_once(store: ClinicalStore) -> None:
    before = store.patient(1)["updated_at"]
    store.add_vitals(1, VITALS, "nurse")
    rows = query(store.path, "SELECT * FROM vitals WHERE patient_id = 1 AND taken_date = '2026-07-01'")
    assert len(rows) == 1
    assert rows[0]["entered_by"] == "nurse"
    assert store.patient(1)["updated_at"] > before

    store.add_allergy(2, AllergyInput("Pénicilline <b>{x}</b> 100%", "", "Severe"))
    assert store.allergies(2)[-1]["allergen"] == "Pénicilline <b>{x}</b> 100%"
    store.update_contact(3, CONTACT)
    assert store.patient(3)["city"] == "Springfield"
    assert store.patient(3)["updated_at"] > before


def test_a_failed_write_leaves_nothing_behind(store: ClinicalStore) -> None:
    count = len(query(store.path, "SELECT id FROM vitals"))
    with pytest.raises(sqlite3.IntegrityError):
        store.add_vitals(999_999, VITALS, "nurse")
    assert len(query(store.path, "SELECT id FROM vitals")) == count


def test_registration_assigns_the_next_mrn_and_allows_duplicates(store: ClinicalStore) -> None:
    highest = max(int(row["mrn"]) for row in query(store.path, "SELECT mrn FROM patients"))
    new = RegistrationInput("Smith", "John", "A", "1958-03-14", "M", CONTACT)
    first = store.register_patient(new)
    second = store.register_patient(new)
    assert (int(first["mrn"]), int(second["mrn"])) == (highest + 1, highest + 2)
    assert len(store.search_patients("Smith", "John", "1958-03-14", "")) == 3

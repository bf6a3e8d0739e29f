"""The desktop EHR's own SQLite database: sign-in, patient search, chart reads and the writes its forms make.

Every write runs in one transaction that also stamps `patients.updated_at`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from practice_ehrs.clinical_data import connect, ensure_database
from practice_ehrs.legacy_desktop.validation import (
    AllergyInput,
    ContactInput,
    ProblemInput,
    RegistrationInput,
    VitalsInput,
)

SEARCH_LIMIT = 100
Row = dict[str, Any]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


class ClinicalStore:
    """Queries and writes of the desktop EHR, over one SQLite connection."""

    def __init__(self, path: Path) -> None:
        ensure_database(path)
        self.path = path
        self._db: sqlite3.Connection = connect(path)
        self._db.create_function("casefold", 1, lambda text: text.casefold() if text else text, deterministic=True)

    def close(self) -> None:
        self._db.close()

    def _rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[Row]:
        return [dict(row) for row in self._db.execute(sql, parameters).fetchall()]

    @contextmanager
    def _write(self, patient_id: int) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("UPDATE patients SET updated_at = ? WHERE id = ?", (_now(), patient_id))
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def authenticate(self, username: str, password: str) -> str | None:
        """The user's display name when the credentials match, else None."""
        rows = self._rows("SELECT password, display_name FROM users WHERE username = ?", (username,))
        if rows and rows[0]["password"] == password:
            return str(rows[0]["display_name"])
        return None

    def search_patients(self, last_name: str, first_name: str, dob: str, mrn: str) -> list[Row]:
        """Patients matching every given criterion: names by case-insensitive prefix, DOB (ISO) and MRN exactly."""
        clauses: list[str] = []
        parameters: list[str] = []
        if last_name:
            clauses.append("casefold(last_name) LIKE ? ESCAPE '\\'")
            parameters.append(_escape_like(last_name.casefold()) + "%")
        if first_name:
            clauses.append("casefold(first_name) LIKE ? ESCAPE '\\'")
            parameters.append(_escape_like(first_name.casefold()) + "%")
        if dob:
            clauses.append("dob = ?")
            parameters.append(dob)
        if mrn:
            clauses.append("mrn = ?")
            parameters.append(mrn)
        if not clauses:
            return []
        # Only fixed clause texts are joined here; every user value travels as a parameter.
        where = " AND ".join(clauses)
        sql = f"SELECT id, mrn, last_name, first_name, middle_name, dob, sex FROM patients WHERE {where}"  # noqa: S608
        sql += f" ORDER BY last_name, first_name, dob LIMIT {SEARCH_LIMIT}"
        return self._rows(sql, tuple(parameters))

    def patient(self, patient_id: int) -> Row:
        rows = self._rows("SELECT * FROM patients WHERE id = ?", (patient_id,))
        if not rows:
            raise LookupError("no such patient")
        return rows[0]

    def vitals(self, patient_id: int) -> list[Row]:
        return self._rows(
            "SELECT * FROM vitals WHERE patient_id = ? ORDER BY taken_date DESC, taken_time DESC, id DESC",
            (patient_id,),
        )

    def allergies(self, patient_id: int) -> list[Row]:
        return self._rows("SELECT * FROM allergies WHERE patient_id = ? ORDER BY id", (patient_id,))

    def medications(self, patient_id: int) -> list[Row]:
        return self._rows(
            "SELECT * FROM medications WHERE patient_id = ? ORDER BY status, drug_name, id", (patient_id,)
        )

    def problems(self, patient_id: int) -> list[Row]:
        return self._rows(
            "SELECT * FROM problems WHERE patient_id = ? ORDER BY status, onset_date DESC, id", (patient_id,)
        )

    def labs(self, patient_id: int) -> list[Row]:
        return self._rows(
            "SELECT * FROM labs WHERE patient_id = ? ORDER BY collected_date DESC, test_name, id", (patient_id,)
        )

    def add_vitals(self, patient_id: int, vitals: VitalsInput, entered_by: str) -> None:
        with self._write(patient_id) as db:
            db.execute(
                "INSERT INTO vitals (patient_id, taken_date, taken_time, weight_lb, height_in, bp, temp_f, pulse,"
                " spo2, comment, entered_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    patient_id,
                    vitals.taken_date,
                    vitals.taken_time,
                    vitals.weight_lb,
                    vitals.height_in,
                    vitals.bp,
                    vitals.temp_f,
                    vitals.pulse,
                    vitals.spo2,
                    vitals.comment,
                    entered_by,
                ),
            )

    def add_allergy(self, patient_id: int, allergy: AllergyInput) -> None:
        with self._write(patient_id) as db:
            db.execute(
                "INSERT INTO allergies (patient_id, allergen, reaction, severity, recorded_date) VALUES (?,?,?,?,?)",
                (patient_id, allergy.allergen, allergy.reaction, allergy.severity, _now()[:10]),
            )

    def add_problem(self, patient_id: int, problem: ProblemInput) -> None:
        with self._write(patient_id) as db:
            db.execute(
                "INSERT INTO problems (patient_id, description, icd10, onset_date, status, recorded_date)"
                " VALUES (?,?,?,?,?,?)",
                (patient_id, problem.description, problem.icd10, problem.onset_date, problem.status, _now()[:10]),
            )

    def update_contact(self, patient_id: int, contact: ContactInput) -> None:
        with self._write(patient_id) as db:
            db.execute(
                "UPDATE patients SET phone = ?, address_line = ?, city = ?, state = ?, zip = ? WHERE id = ?",
                (contact.phone, contact.address_line, contact.city, contact.state, contact.zip, patient_id),
            )

    def register_patient(self, patient: RegistrationInput) -> Row:
        """Insert a new patient with the next MRN (duplicates are not prevented, as in the real product)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            highest = self._db.execute("SELECT MAX(CAST(mrn AS INTEGER)) FROM patients").fetchone()[0] or 0
            mrn = f"{highest + 1:07d}"
            contact = patient.contact
            cursor = self._db.execute(
                "INSERT INTO patients (mrn, last_name, first_name, middle_name, dob, sex, phone, address_line, city,"
                " state, zip, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    mrn,
                    patient.last_name,
                    patient.first_name,
                    patient.middle_name,
                    patient.dob,
                    patient.sex,
                    contact.phone,
                    contact.address_line,
                    contact.city,
                    contact.state,
                    contact.zip,
                    _now(),
                ),
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return self.patient(int(cursor.lastrowid or 0))

"""Reads and writes of the practice web EHR's clinical records; every write also stamps patients.updated_at.

`updated_at` is UTC, ISO 8601 to the second, without a zone suffix (the seed data's format).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

CHART_TABLES = {
    "visits": "visit_date DESC, id DESC",
    "problems": "recorded_date DESC, id DESC",
    "allergies": "recorded_date DESC, id DESC",
    "medications": "start_date DESC, id DESC",
    "vitals": "taken_date DESC, taken_time DESC, id DESC",
    "labs": "collected_date DESC, id DESC",
}


class Page:
    """One page of a longer list: its rows and where it sits (1-based)."""

    def __init__(self, rows: list[sqlite3.Row], total: int, number: int, size: int) -> None:
        self.rows = rows
        self.total = total
        self.number = number
        self.count = max(1, math.ceil(total / size))


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _starts_with(value: str | None, prefix: str | None) -> bool:
    return (value or "").casefold().startswith((prefix or "").casefold())


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def find_user(db: sqlite3.Connection, username: str, password: str) -> str | None:
    """The display name of the user with these credentials, or None."""
    row = db.execute("SELECT password, display_name FROM users WHERE username = ?", (username,)).fetchone()
    if row is None or row["password"] != password:
        return None
    return str(row["display_name"])


def _paged(db: sqlite3.Connection, sql: str, parameters: list[Any], page: int, size: int) -> Page:
    total = int(db.execute(f"SELECT COUNT(*) FROM ({sql})", parameters).fetchone()[0])  # noqa: S608
    number = min(max(page, 1), max(1, math.ceil(total / size)))
    rows = db.execute(f"{sql} LIMIT ? OFFSET ?", [*parameters, size, (number - 1) * size]).fetchall()
    return Page(rows, total, number, size)


def search_patients(db: sqlite3.Connection, criteria: Mapping[str, str], page: int, size: int = 25) -> Page:
    """Patients matching every given criterion: name prefixes (case-insensitive), exact DOB (ISO) and MRN."""
    db.create_function("starts_with", 2, _starts_with, deterministic=True)
    conditions: list[str] = []
    parameters: list[Any] = []
    for column, key in (("last_name", "last"), ("first_name", "first")):
        if criteria.get(key):
            conditions.append(f"starts_with({column}, ?)")
            parameters.append(criteria[key])
    for column, key in (("dob", "dob"), ("mrn", "mrn")):
        if criteria.get(key):
            conditions.append(f"{column} = ?")
            parameters.append(criteria[key])
    where = " AND ".join(conditions) or "1"
    sql = f"SELECT * FROM patients WHERE {where} ORDER BY last_name, first_name, dob, id"  # noqa: S608
    return _paged(db, sql, parameters, page, size)


def recently_updated(db: sqlite3.Connection, since_iso: str, page: int, size: int = 25) -> Page:
    """Patients whose record changed on or after `since_iso` (a date), newest change first."""
    sql = "SELECT * FROM patients WHERE updated_at >= ? ORDER BY updated_at DESC, id"
    return _paged(db, sql, [since_iso], page, size)


def get_patient(db: sqlite3.Connection, patient_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = db.execute("SELECT * FROM patients WHERE id = ?", (patient_id,)).fetchone()
    return row


def chart_rows(db: sqlite3.Connection, table: str, patient_id: int) -> list[sqlite3.Row]:
    """Every row of one chart section, newest first."""
    order = CHART_TABLES[table]
    return db.execute(
        f"SELECT * FROM {table} WHERE patient_id = ? ORDER BY {order}",  # noqa: S608
        (patient_id,),
    ).fetchall()


def lab_page(db: sqlite3.Connection, patient_id: int, page: int, size: int = 10) -> Page:
    sql = f"SELECT * FROM labs WHERE patient_id = ? ORDER BY {CHART_TABLES['labs']}"  # noqa: S608
    return _paged(db, sql, [patient_id], page, size)


def _insert(db: sqlite3.Connection, table: str, patient_id: int, values: Mapping[str, Any]) -> int:
    columns = ["patient_id", *values]
    placeholders = ",".join("?" for _ in columns)
    with _transaction(db):
        cursor = db.execute(
            f"INSERT INTO {table} ({','.join(columns)}) VALUES ({placeholders})",  # noqa: S608
            [patient_id, *values.values()],
        )
        db.execute("UPDATE patients SET updated_at = ? WHERE id = ?", (_now(), patient_id))
    return int(cursor.lastrowid or 0)


def add_vitals(db: sqlite3.Connection, patient_id: int, values: Mapping[str, Any], entered_by: str) -> int:
    return _insert(db, "vitals", patient_id, {**values, "entered_by": entered_by})


def add_allergy(db: sqlite3.Connection, patient_id: int, values: Mapping[str, Any]) -> int:
    return _insert(db, "allergies", patient_id, values)


def add_problem(db: sqlite3.Connection, patient_id: int, values: Mapping[str, Any]) -> int:
    recorded = datetime.now(UTC).date().isoformat()
    return _insert(db, "problems", patient_id, {**values, "recorded_date": recorded})


def update_demographics(db: sqlite3.Connection, patient_id: int, values: Mapping[str, Any]) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    with _transaction(db):
        db.execute(
            f"UPDATE patients SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
            [*values.values(), _now(), patient_id],
        )


def register_patient(db: sqlite3.Connection, values: Mapping[str, Any]) -> int:
    """Insert a patient with the next MRN; duplicates are not prevented (neither were they in 2004)."""
    with _transaction(db):
        highest = db.execute("SELECT MAX(CAST(mrn AS INTEGER)) FROM patients").fetchone()[0] or 0
        columns = ["mrn", *values, "updated_at"]
        cursor = db.execute(
            f"INSERT INTO patients ({','.join(columns)}) VALUES ({','.join('?' for _ in columns)})",  # noqa: S608
            [f"{highest + 1:07d}", *values.values(), _now()],
        )
    return int(cursor.lastrowid or 0)

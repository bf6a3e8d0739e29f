"""Create, reset and query a practice EHR's own SQLite database.

Resets copy a cached seed file instead of regenerating, so a test can reset in milliseconds.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from practice_ehrs.clinical_data.generator import DEFAULT_PATIENT_COUNT, DEFAULT_SEED, populate


def schema_sql() -> str:
    """The DDL both practice EHRs share."""
    return resources.files("practice_ehrs.clinical_data").joinpath("schema.sql").read_text(encoding="utf-8")


def connect(path: Path) -> sqlite3.Connection:
    """Open a database with row access by column name and a busy timeout suited to a small web server."""
    db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA journal_mode = WAL")
    return db


def _seed_cache_path(seed: int, patient_count: int) -> Path:
    fingerprint = hashlib.sha256(schema_sql().encode()).hexdigest()[:12]
    generator_source = resources.files("practice_ehrs.clinical_data").joinpath("generator.py").read_bytes()
    vocabulary_source = resources.files("practice_ehrs.clinical_data").joinpath("vocabulary.py").read_bytes()
    fingerprint += hashlib.sha256(generator_source + vocabulary_source).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "retrofhir-seed" / f"seed-{seed}-{patient_count}-{fingerprint}.sqlite"


def _build_seed_file(seed: int, patient_count: int) -> Path:
    cached = _seed_cache_path(seed, patient_count)
    if cached.exists():
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{id(cached)}.partial")
    db = sqlite3.connect(partial, isolation_level=None)
    try:
        db.executescript(schema_sql())
        db.execute("BEGIN")
        populate(db, seed=seed, patient_count=patient_count)
        db.execute("COMMIT")
    finally:
        db.close()
    partial.replace(cached)
    return cached


def reset_database(path: Path, seed: int = DEFAULT_SEED, patient_count: int = DEFAULT_PATIENT_COUNT) -> None:
    """Restore `path` to the seed state, replacing whatever it held (its WAL files included)."""
    seed_file = _build_seed_file(seed, patient_count)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    temporary = path.with_suffix(".resetting")
    shutil.copyfile(seed_file, temporary)
    temporary.replace(path)


def ensure_database(path: Path, seed: int = DEFAULT_SEED, patient_count: int = DEFAULT_PATIENT_COUNT) -> None:
    """Create the database in its seed state unless it already exists."""
    if not path.exists():
        reset_database(path, seed=seed, patient_count=patient_count)


@contextmanager
def open_database(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection closed on exit; for tests that check what a bot wrote."""
    db = connect(path)
    try:
        yield db
    finally:
        db.close()


def query(path: Path, sql: str, parameters: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Run one read-only query against a practice EHR database and return plain dicts."""
    with open_database(path) as db:
        return [dict(row) for row in db.execute(sql, parameters).fetchall()]

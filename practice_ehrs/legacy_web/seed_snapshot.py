"""Restore the practice web EHR's database to its seed state in place, while the server keeps running.

The seed is held in memory and copied over the live file with SQLite's backup API, so the file (and any
connection a test holds to it) stays valid, and a reset takes milliseconds.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from pathlib import Path

from practice_ehrs.clinical_data import connect, reset_database


class SeedSnapshot:
    """The seed database, loaded once, ready to be written over a live database file."""

    def __init__(self) -> None:
        self._seed = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        with tempfile.TemporaryDirectory(prefix="legacy-web-seed-") as directory:
            seed_file = Path(directory) / "seed.sqlite"
            reset_database(seed_file)
            source = sqlite3.connect(seed_file)
            try:
                source.backup(self._seed)
            finally:
                source.close()

    def restore(self, database: Path) -> None:
        """Overwrite `database` with the seed state."""
        with self._lock:
            target = connect(database)
            try:
                self._seed.backup(target)
            finally:
                target.close()

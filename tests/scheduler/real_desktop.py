"""The practice desktop EHR behind real `retrofhir worker` processes: the worker's desktop driver launches it on a
display of its own (with the crash knob from the worker's environment), and its own database says what landed.

    env = desktop_worker_environment(tmp_path, crash_rate=0.02)
    with worker_group(env, tmp_path / "w.log"): ...
    landed_desktop_vitals(tmp_path)          # {(mrn, date, time): [pulse, ...]}
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

from practice_ehrs.clinical_data.database import ensure_database
from retrofhir.config import PROJECT_ROOT
from scheduler import WriteSubmission
from tests.scheduler.real_ehr import FIRST_DAY, LAST_DAY, VitalKey, landed_from_rows, vital_write
from tests.scheduler.worker_config import worker_process_environment, write_worker_config

DESKTOP_SOURCE = "legacy_desktop"
CRASH_RATE_VARIABLE = "LEGACY_DESKTOP_CRASH_RATE"


def desktop_database(root: Path) -> Path:
    """Where the map's launch command puts the app's database: `{data_dir}/practice/legacy_desktop.sqlite`."""
    return root / "var" / "practice" / "legacy_desktop.sqlite"


def desktop_vital_write(number: int) -> WriteSubmission:
    return dataclasses.replace(vital_write(number), source=DESKTOP_SOURCE)


def desktop_worker_environment(root: Path, crash_rate: float = 0.0, max_attempts: int = 6) -> dict[str, str]:
    """The environment of a `retrofhir worker` writing to the desktop EHR; its database is seeded if missing."""
    maps = root / "maps"
    if not maps.exists():
        maps.mkdir(parents=True)
        shutil.copy(PROJECT_ROOT / "screen_maps" / "legacy_desktop.yaml", maps / "legacy_desktop.yaml")
        shutil.copytree(PROJECT_ROOT / "screen_maps" / "legacy_desktop", maps / "legacy_desktop")
    ensure_database(desktop_database(root))
    config = write_worker_config(
        root,
        maps,
        DESKTOP_SOURCE,
        "desktop",
        lease_seconds=20,
        # Desktop writes run long on a loaded machine: with a 4 s APScheduler lease a worker's scheduler crashed
        # (KeyError in APScheduler 4.0.0a6's `_run_job`, its job apparently acquired again while running).
        apscheduler_lease_seconds=30,
        max_attempts=max_attempts,
    )
    return worker_process_environment(
        config,
        {
            "LEGACY_DESKTOP_USERNAME": "nurse",
            "LEGACY_DESKTOP_PASSWORD": "nurse123",
            CRASH_RATE_VARIABLE: str(crash_rate),
        },
        dropped_prefixes=("RETROFHIR_", "LEGACY_DESKTOP_"),
    )


def landed_desktop_vitals(root: Path) -> dict[VitalKey, list[int]]:
    """Pulses in the desktop EHR's own database at the proof's dates, by patient, date and time."""
    connection = sqlite3.connect(desktop_database(root))
    connection.row_factory = sqlite3.Row
    try:
        rows = connection.execute(
            "SELECT patients.mrn AS mrn, vitals.taken_date AS taken_date, vitals.taken_time AS taken_time,"
            " vitals.pulse AS pulse FROM vitals JOIN patients ON patients.id = vitals.patient_id"
            " WHERE vitals.taken_date BETWEEN ? AND ? ORDER BY vitals.id",
            (FIRST_DAY.isoformat(), LAST_DAY.isoformat()),
        ).fetchall()
    finally:
        connection.close()
    return landed_from_rows([dict(row) for row in rows])

"""The practice web EHR behind real `retrofhir worker` processes: vital-sign writes, worker config, its own DB's view.

Each write is a pulse Observation for one of a few seeded patients at its own date and time (in the 1960s: the
seed has no vitals there and the EHR refuses future dates), so its `vitals` table says which writes landed, how often.

    env = worker_environment(tmp_path, server)        # workers use retrofhir.wiring's bot executors
    with worker_group(env, tmp_path / "w.log") as worker: ...   # its own process group, SIGKILLed as a whole
    landed_vitals(server)                             # {(mrn, date, time): [pulse, ...]} from the EHR's database
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from practice_ehrs.legacy_web.runner import LegacyWebServer
from retrofhir.config import PROJECT_ROOT
from scheduler import WriteSubmission
from tests.pulse_observations import pulse_observation
from tests.scheduler.processes import wait_until
from tests.scheduler.worker_config import worker_process_environment, write_worker_config

SOURCE = "legacy_web"
PATIENTS = ("0100046", "0100097", "0100141", "0100164")
FIRST_DAY = date(1961, 1, 1)
LAST_DAY = date(1999, 12, 31)

VitalKey = tuple[str, str, str]


def vital_key(number: int) -> VitalKey:
    """Patient, date and time of write `number`: every write is a different row of the EHR's vitals table."""
    day = FIRST_DAY + timedelta(days=number // 60)
    return PATIENTS[number % len(PATIENTS)], day.isoformat(), f"08:{number % 60:02d}"


def pulse_value(number: int) -> int:
    return 50 + number % 90


def vital_write(number: int) -> WriteSubmission:
    mrn, day, time = vital_key(number)
    resource = pulse_observation(mrn, f"{day}T{time}:00Z", pulse_value(number))
    return WriteSubmission(SOURCE, "Observation.create", resource, patient_key=mrn)


def landed_vitals(server: LegacyWebServer) -> dict[VitalKey, list[int]]:
    """Pulses in the EHR's own database at the proof's dates, by patient, date and time (in row order)."""
    rows = server.query(
        "SELECT patients.mrn AS mrn, vitals.taken_date AS taken_date, vitals.taken_time AS taken_time,"
        " vitals.pulse AS pulse FROM vitals JOIN patients ON patients.id = vitals.patient_id"
        " WHERE vitals.taken_date BETWEEN ? AND ? ORDER BY vitals.id",
        (FIRST_DAY.isoformat(), LAST_DAY.isoformat()),
    )
    return landed_from_rows(rows)


def landed_from_rows(rows: list[dict[str, Any]]) -> dict[VitalKey, list[int]]:
    """Vitals rows (mrn, taken_date, taken_time, pulse) grouped by the write they belong to, in row order."""
    landed: dict[VitalKey, list[int]] = {}
    for row in rows:
        landed.setdefault((row["mrn"], row["taken_date"], row["taken_time"]), []).append(int(row["pulse"]))
    return landed


def worker_environment(root: Path, server: LegacyWebServer, seats: int = 2, max_attempts: int = 8) -> dict[str, str]:
    """The environment of `retrofhir worker` processes writing to `server` through the real bot executor."""
    maps = root / "maps"
    maps.mkdir(parents=True, exist_ok=True)
    (maps / "legacy_web.yaml").write_text((PROJECT_ROOT / "screen_maps" / "legacy_web.yaml").read_text("utf-8"))
    config = write_worker_config(
        root, maps, SOURCE, "web", lease_seconds=6, apscheduler_lease_seconds=10, max_attempts=max_attempts, seats=seats
    )
    return worker_process_environment(
        config,
        {
            "RETROFHIR_SOURCE_URL_LEGACY_WEB": server.base_url,
            "LEGACY_WEB_USERNAME": "nurse",
            "LEGACY_WEB_PASSWORD": "nurse123",
        },
    )


def queue_url(root: Path) -> str:
    return f"sqlite+aiosqlite:///{root / 'var' / 'scheduler' / 'queue.sqlite'}"


class WorkerGroup:
    """One `retrofhir worker` in its own process group, so a kill takes its browser down with it."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "retrofhir"), "worker"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 120) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log.read_text(errors='replace')[-3000:]}")
            return b" ready" in self.log.read_bytes()

        wait_until(ready, timeout, "the worker to start")

    def kill(self) -> None:
        """SIGKILL the worker and every process it started (its browser): a machine losing power."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        self.kill()


@contextmanager
def worker_group(env: dict[str, str], log: Path) -> Iterator[WorkerGroup]:
    worker = WorkerGroup(env, log)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()

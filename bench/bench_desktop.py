"""Desktop benchmarks: reading a demographics screen through the engine vs naive whole-window OCR, and accuracy.

The practice desktop EHR runs on a display the driver owns. For each patient the chart is opened (not timed),
then the engine's read step locates every field by its OCR anchor and reads its crop (timed); right after, on
the same pixels, the naive approach runs pytesseract on the whole chart window and parses "Label: value" lines
(timed). Every value is compared with the practice database, so both sides' accuracy is known exactly.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytesseract

from bench.harness import BenchResult, percentile
from bench.machine import machine_load
from bots.drivers.desktop import DesktopDriver, create_desktop_driver
from bots.flow_context import FlowContext
from bots.flow_runner import FlowRunner
from bots.map_loader import load_screen_map
from bots.map_models import ClickStep, ExpectStep, FillStep, GotoStep, ReadStep, Step
from bots.observer import NullObserver
from bots.screen_map import ScreenMap
from bots.session import Session, log_in
from bots.step_log import StepLog
from practice_ehrs.clinical_data import ensure_database
from practice_ehrs.clinical_data.database import query
from retrofhir.config import PROJECT_ROOT, Settings

PATIENTS = 100
NAIVE_PATIENTS = 30
UI2_PATIENTS = 40
READ_TARGET_MS = 150.0
CREDENTIALS = {"user": "nurse", "password": "nurse123"}
FIELDS = (
    "mrn",
    "last_name",
    "first_name",
    "middle_name",
    "dob",
    "sex",
    "phone",
    "address_line",
    "city",
    "state",
    "zip",
)
NAIVE_LABELS = {
    "last_name": "Last Name",
    "first_name": "First Name",
    "middle_name": "Middle",
    "dob": "DOB",
    "sex": "Sex",
    "mrn": "MRN",
    "phone": "Phone",
    "address_line": "Address",
    "city": "City",
    "state": "State",
    "zip": "ZIP",
}
OPEN_CHART: list[Step] = [
    GotoStep(goto="^CareDesk Clinical Workstation$"),
    ExpectStep(expect=["main"]),
    ClickStep(click="toolbar_search"),
    ExpectStep(expect=["search"]),
    FillStep(fill=["mrn"]),
    ClickStep(click="find"),
    ExpectStep(expect=["search_results"]),
    ClickStep(click="only_row"),
    ClickStep(click="open"),
    ExpectStep(expect=["chart_demographics"]),
]
Record = dict[str, str]


@dataclass
class Tally:
    """Fields read exactly, out of fields read, and which fields missed (by name, never by value)."""

    right: int = 0
    total: int = 0
    missed: dict[str, int] = field(default_factory=dict)

    def add(self, read: Record, truth: Record) -> None:
        for name in FIELDS:
            self.total += 1
            if read.get(name, "") == truth[name]:
                self.right += 1
            else:
                self.missed[name] = self.missed.get(name, 0) + 1

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0

    def describe(self) -> str:
        misses = ", ".join(f"{name} x{count}" for name, count in sorted(self.missed.items())) or "none"
        return f"{self.right}/{self.total} fields exact ({self.share:.2%}); misses by field: {misses}"


def truth_of(row: dict[str, str]) -> Record:
    """A patient as the Demographics tab shows it (dates as MM/DD/YYYY)."""
    year, month, day = row["dob"][:10].split("-")
    return {name: str(row[name]) for name in FIELDS if name != "dob"} | {"dob": f"{month}/{day}/{year}"}


def naive_read(driver: DesktopDriver) -> Record:
    """The naive approach: pytesseract on the whole chart window, then "Label: value" lines parsed."""
    window = driver.app.windows()[-1].box
    text = pytesseract.image_to_string(np.ascontiguousarray(driver.grab(window)), config="--psm 6")
    found: Record = {}
    for name, label in NAIVE_LABELS.items():
        match = re.search(rf"^{re.escape(label)}:?\s+(.*)$", text, re.MULTILINE)
        if match is not None:
            found[name] = match.group(1).strip()
    return found


class DesktopBench:
    """One logged-in desktop session and the steps to open a chart and read it."""

    def __init__(self, screen_map: ScreenMap, driver: DesktopDriver) -> None:
        self.screen_map = screen_map
        self.driver = driver

    def _runner(self, context: FlowContext) -> FlowRunner:
        log = StepLog(uuid.uuid4().hex, NullObserver(), self.driver, screenshots=False)
        return FlowRunner(self.screen_map, self.driver, log, context)

    async def open_chart(self, mrn: str) -> None:
        await self._runner(FlowContext(values={"mrn": mrn})).run(OPEN_CHART)

    async def read_demographics(self) -> tuple[Record, float, float]:
        """The record read, the wall-clock seconds and this process's CPU seconds (OCR runs in-process)."""
        context = FlowContext(screen="chart_demographics")
        started, cpu_started = time.perf_counter(), time.process_time()
        await self._runner(context).run([ReadStep(read=list(FIELDS), into="patient")])
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        record = context.records["patient"]
        assert isinstance(record, dict)
        return record, elapsed, cpu


@dataclass
class VersionRun:
    engine: Tally = field(default_factory=Tally)
    naive: Tally = field(default_factory=Tally)
    engine_seconds: list[float] = field(default_factory=list)
    engine_cpu_seconds: list[float] = field(default_factory=list)
    naive_seconds: list[float] = field(default_factory=list)
    first_read_seconds: float | None = None


async def measure(ui_version: int, patients: int, naive_patients: int) -> VersionRun:
    screen_map = load_screen_map(PROJECT_ROOT / "screen_maps" / "legacy_desktop.yaml")
    with tempfile.TemporaryDirectory(prefix="bench-desktop-") as scratch:
        settings = Settings(data_dir=Path(scratch))
        database = settings.data_dir / "practice" / "legacy_desktop.sqlite"
        ensure_database(database)
        rows = query(database, "SELECT * FROM patients ORDER BY mrn LIMIT ?", (patients,))
        driver = create_desktop_driver(screen_map, settings, {"LEGACY_DESKTOP_UI_VERSION": str(ui_version)})
        await driver.start()
        run = VersionRun()
        try:
            log = StepLog(uuid.uuid4().hex, NullObserver(), driver, screenshots=False)
            await log_in(screen_map, Session(1, driver), CREDENTIALS, log)
            bench = DesktopBench(screen_map, driver)
            for number, row in enumerate(rows):
                truth = truth_of(row)
                await bench.open_chart(truth["mrn"])
                record, seconds, cpu_seconds = await bench.read_demographics()
                run.engine.add(record, truth)
                if number == 0:
                    run.first_read_seconds = seconds
                else:
                    run.engine_seconds.append(seconds)
                    run.engine_cpu_seconds.append(cpu_seconds)
                if number < naive_patients:
                    started = time.perf_counter()
                    naive = naive_read(driver)
                    run.naive_seconds.append(time.perf_counter() - started)
                    run.naive.add(naive, truth)
        finally:
            await driver.stop()
    return run


def _ms(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples) * 1000:.1f} ms, p10 {percentile(samples, 0.1) * 1000:.1f}, "
        f"p90 {percentile(samples, 0.9) * 1000:.1f} (n={len(samples)})"
    )


async def run(
    patients: int = PATIENTS, naive_patients: int = NAIVE_PATIENTS, ui2_patients: int = UI2_PATIENTS
) -> list[BenchResult]:
    load_before = machine_load()
    first = await measure(1, patients, naive_patients)
    second = await measure(2, ui2_patients, 0)
    engine_ms = statistics.median(first.engine_seconds) * 1000
    naive_ms = statistics.median(first.naive_seconds) * 1000
    first_ms = (first.first_read_seconds or 0) * 1000
    read = BenchResult(
        name="desktop_demographics_read",
        value=engine_ms,
        unit="ms",
        runs=len(first.engine_seconds),
        baseline=naive_ms,
        ratio=engine_ms / naive_ms,
        description=(
            "Reading the 11 fields of the Demographics tab (UI v1) through the engine's read step: each field "
            "located by its text anchor (the label drawn from the screen map's font and template-matched in its "
            "search region; Tesseract words where the font cannot tell), its crop read by matching the font's glyphs "
            "as the display renders them (rendered once per process; in-process Tesseract for a crop they do not "
            "explain). Baseline: pytesseract on the whole chart window, then parsing 'Label: value' lines, on the "
            "same screen right after."
        ),
        target=f"<= {READ_TARGET_MS:.0f} ms median",
        details=[
            f"engine: {_ms(first.engine_seconds)}; first read (label regions not yet cached) {first_ms:.0f} ms",
            f"engine CPU time of this process per read: {_ms(first.engine_cpu_seconds)}",
            f"naive pytesseract whole window: {_ms(first.naive_seconds)}",
            f"engine accuracy on these screens: {first.engine.describe()}",
            f"naive accuracy on the first {naive_patients} patients: {first.naive.describe()}",
            f"before: {load_before}; after: {machine_load()}",
        ],
    )
    accuracy = BenchResult(
        name="desktop_ocr_accuracy",
        value=first.engine.share,
        unit="share of fields",
        runs=first.engine.total,
        description=(
            f"Demographics fields read exactly (compared with the practice database) over the first {patients} "
            "seeded patients by MRN on UI version 1; UI version 2 (larger fonts, moved and renamed fields, found "
            "through fallback locators) in the details."
        ),
        target="100% on UI v1 (and on v2 where the map claims it)",
        details=[
            f"UI v1: {first.engine.describe()}",
            f"UI v2 ({ui2_patients} patients): {second.engine.describe()}; read {_ms(second.engine_seconds)}",
            "values are read by glyph matching against the fonts the map names (exact where the display draws "
            "them as rendered); text in another font, or cut by a crop's edge, falls back to Tesseract, which at "
            "this 8-point size loses diaeresis dots and reads a capital I before digits as 1",
        ],
    )
    return [read, accuracy]

"""Fixtures for the audit tests: a real trail (SQLite file, encrypted files) and realistic screenshots."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import Browser, sync_playwright

from audit import AuditSettings, AuditTrail, append_new_key
from bots.observer import Box, RunInfo, RunResult, StepOutcome, StepRecord

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
T = TypeVar("T")


def legacy_screen_png(title: str, fields: dict[str, str]) -> bytes:
    """A grey 2004-style form with labelled text boxes, as a real PNG."""
    image = Image.new("RGB", (640, 400), (212, 208, 200))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 14)
    draw.rectangle((0, 0, 640, 28), fill=(10, 36, 106))
    draw.text((8, 6), title, fill=(255, 255, 255), font=font)
    for row, (label, value) in enumerate(fields.items()):
        top = 50 + row * 36
        draw.text((20, top + 4), label, fill=(0, 0, 0), font=font)
        draw.rectangle((160, top, 460, top + 24), fill=(255, 255, 255), outline=(64, 64, 64))
        draw.text((166, top + 4), value, fill=(0, 0, 0), font=font)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def field_box(row: int) -> Box:
    return Box(160, 50 + row * 36, 300, 24)


def make_run(
    run_id: str,
    *,
    patient_id: str = "p-1001",
    interaction: str = "Patient.read",
    source: str = "legacy-web",
    client_id: str = "integrator-1",
    fields: dict[str, str] | None = None,
    succeeded: bool = True,
    drift: bool = False,
) -> tuple[RunInfo, list[StepRecord], RunResult]:
    """A run as the engine would report it: a search step, then one read per field, each with a screenshot."""
    shown = fields or {"Family name": "Smith", "Given name": "Ann", "Birth date": "03/14/1961"}
    png = legacy_screen_png("Patient Chart", shown)
    resource_type = interaction.split(".")[0]
    info = RunInfo(
        run_id=run_id,
        source=source,
        interaction=interaction,
        resource_type=resource_type,
        resource_id=patient_id if resource_type == "Patient" else None,
        patient_id=patient_id,
        client_id=client_id,
        scopes=("system/Patient.rs",),
        request_summary=f"GET /fhir/{source}/{resource_type}/{patient_id}",
    )
    now = datetime.now(UTC)
    steps = [
        StepRecord(run_id, 0, "goto", now, 85.0, StepOutcome.OK, screen="chart", screenshot_png=png),
    ]
    for row, (label, value) in enumerate(shown.items(), start=1):
        outcome = StepOutcome.DRIFT if drift and row == 1 else StepOutcome.OK
        steps.append(
            StepRecord(
                run_id,
                row,
                "read",
                now,
                12.5,
                outcome,
                screen="chart",
                field_name=label,
                locator_kind="label",
                locator_rank=2 if outcome == StepOutcome.DRIFT else 1,
                box=field_box(row - 1),
                value=value,
                screenshot_png=png,
            )
        )
    result = RunResult(
        run_id,
        succeeded,
        datetime.now(UTC),
        resource_type=resource_type,
        resource_id=patient_id if resource_type == "Patient" else "obs-77",
        response_summary="200 OK" if succeeded else "502 drift",
    )
    return info, steps, result


@pytest.fixture
def audit_settings(tmp_path: Path) -> AuditSettings:
    settings = AuditSettings(directory=tmp_path / "audit", key_file=tmp_path / "keys", key_env="RETROFHIR_TEST_NO_KEYS")
    append_new_key(settings.key_file, "k1")
    return settings


@pytest.fixture
def trail(audit_settings: AuditSettings, tmp_path: Path) -> Iterator[AuditTrail]:
    opened = AuditTrail.open(audit_settings, tmp_path)
    try:
        yield opened
    finally:
        opened.close()


def record_runs(trail: AuditTrail, runs: list[tuple[RunInfo, list[StepRecord], RunResult]]) -> None:
    """Write runs the way the observer does: each run as one batch through the background writer."""
    from audit import TrailWriter
    from audit.records import RunStart

    writer = TrailWriter(trail)
    try:
        for info, steps, result in runs:
            writer.submit([RunStart(info, datetime.now(UTC)), *steps, result])
    finally:
        writer.close()


def run_on_own_loop(drive: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the bot side on a thread with its own event loop, as the engine would (Playwright's sync API may hold
    this thread's loop when browser tests share the session)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, drive()).result()


@pytest.fixture(scope="package")
def audit_browser() -> Iterator[Browser]:
    """One real headless Chromium for the audit tests that need a browser. Package scope, not session: Playwright's
    sync API holds an event loop on this thread while it is open, which other packages' async tests cannot share."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"],
        )
        try:
            yield browser
        finally:
            browser.close()

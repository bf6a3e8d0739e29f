"""The desktop driver against the real practice desktop EHR on its own Xvfb display: pixels in, keys out."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.drivers.desktop import DesktopDriver, create_desktop_driver
from bots.errors import AppCrashed, InputRejected
from bots.flow_context import FlowContext
from bots.flow_runner import FlowRunner
from bots.locators import OcrAnchorLocator, locate
from bots.map_loader import load_screen_map
from bots.map_models import ClickStep, ExpectStep, FillStep, GotoStep, Step
from bots.observer import NullObserver
from bots.screen_map import ScreenMap
from bots.session import Session, log_in
from bots.step_log import StepLog
from practice_ehrs.clinical_data.database import query
from retrofhir.config import PROJECT_ROOT, Settings

pytestmark = [pytest.mark.desktop, pytest.mark.anyio]

LITERAL = "a<b> José 98.6°F {x} 100%"
CREDENTIALS = {"user": "nurse", "password": "nurse123"}


@pytest.fixture(scope="module")
def screen_map() -> ScreenMap:
    return load_screen_map(PROJECT_ROOT / "screen_maps" / "legacy_desktop.yaml")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("desktop_driver"))


@pytest.fixture(scope="module")
async def driver(screen_map: ScreenMap, settings: Settings) -> AsyncIterator[DesktopDriver]:
    """One application session for the whole module, at its login window."""
    desktop = create_desktop_driver(screen_map, settings, {"LEGACY_DESKTOP_UI_VERSION": "1"})
    await desktop.start()
    try:
        yield desktop
    finally:
        await desktop.stop()


def log_for(driver: DesktopDriver) -> StepLog:
    return StepLog(uuid.uuid4().hex, NullObserver(), driver, screenshots=False)


async def run_steps(
    screen_map: ScreenMap, driver: DesktopDriver, steps: list[Step], values: dict[str, str] | None = None
) -> FlowContext:
    context = FlowContext(values=values or {})
    await FlowRunner(screen_map, driver, log_for(driver), context).run(steps)
    return context


async def test_anchor_is_found_once_and_boxes_the_field(screen_map: ScreenMap, driver: DesktopDriver) -> None:
    assert (await driver.signals()).title == "CareDesk - Login"
    username = screen_map.screens["login"].fields["username"]
    located = await locate(driver, username.locators, screen="login", field="username")
    assert located.rank == 0
    window = driver.app.windows()[-1].box
    box = located.element.box
    assert box is not None
    assert window.x < box.x < box.x + box.width < window.x + window.width
    assert await driver.find_all(OcrAnchorLocator(text="No Such Label:", width=10, height=10)) == []


async def test_typing_is_literal_on_screen_and_in_the_database(
    screen_map: ScreenMap, driver: DesktopDriver, settings: Settings
) -> None:
    await log_in(screen_map, Session(1, driver), CREDENTIALS, log_for(driver))
    await run_steps(
        screen_map,
        driver,
        [
            GotoStep(goto="^CareDesk Clinical Workstation$"),
            ExpectStep(expect=["main"]),
            ClickStep(click="toolbar_search"),
            ExpectStep(expect=["search"]),
            FillStep(fill={"mrn": "0100046"}),
            ClickStep(click="find"),
            ExpectStep(expect=["search_results"]),
            ClickStep(click="only_row"),
            ClickStep(click="open"),
            ExpectStep(expect=["chart_demographics"]),
            ClickStep(click="toolbar_vitals"),
            ExpectStep(expect=["vitals_form"]),
            FillStep(fill=["taken_date", "taken_time", "pulse", "comment"]),
        ],
        {"taken_date": "07/04/2026", "taken_time": "10:30", "pulse": "72", "comment": LITERAL},
    )
    comment = screen_map.screens["vitals_form"].fields["comment"]
    located = await locate(driver, comment.locators, screen="vitals_form", field="comment")
    assert (await driver.read(located.element)).text == LITERAL
    with pytest.raises(InputRejected):
        await driver.type_text(located.element, "first line\nsecond line")
    assert (await driver.read(located.element)).text == LITERAL
    await run_steps(
        screen_map, driver, [ExpectStep(expect=["vitals_form"]), ClickStep(click="save"), ExpectStep(expect=["saved"])]
    )
    database = settings.data_dir / "practice" / "legacy_desktop.sqlite"
    stored = query(database, "SELECT comment, pulse FROM vitals WHERE taken_date = '2026-07-04'")
    assert stored == [{"comment": LITERAL, "pulse": 72}]


async def test_a_crash_is_reported_once_then_the_app_is_launched_again(driver: DesktopDriver) -> None:
    process = driver.app.process
    assert process is not None
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    with pytest.raises(AppCrashed):
        await driver.signals()
    assert (await driver.signals()).title == "CareDesk - Login"
    assert driver.app.launches == 2


async def test_ui_version_2_is_found_through_fallbacks_and_reported_as_drift(
    screen_map: ScreenMap, settings: Settings
) -> None:
    upgraded = create_desktop_driver(screen_map, settings, {"LEGACY_DESKTOP_UI_VERSION": "2"})
    await upgraded.start()
    try:
        for name in ("username", "password"):
            field = screen_map.screens["login"].fields[name]
            located = await locate(upgraded, field.locators, screen="login", field=name)
            assert located.drifted
        await log_in(screen_map, Session(1, upgraded), CREDENTIALS, log_for(upgraded))
        assert (await upgraded.signals()).title == "CareDesk Clinical Workstation"
    finally:
        await upgraded.stop()


def test_the_launch_command_is_filled_in(screen_map: ScreenMap, settings: Settings) -> None:
    desktop = create_desktop_driver(screen_map, settings)
    assert desktop.app.command[-1] == str(Path(settings.data_dir).resolve() / "practice" / "legacy_desktop.sqlite")
    assert desktop.app.process is None

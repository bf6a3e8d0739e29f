"""The step log: one screenshot per screen state, taken in the background on the web without ever showing a later state.

The web tests drive real Chromium; the last test uses a stand-in driver for the pure bookkeeping of which step gets
which picture when a driver can only capture in the foreground (the desktop drivers).
"""

from __future__ import annotations

import io
import time
import uuid

import pytest
from PIL import Image

from bots.drivers.web import WebDriver
from bots.errors import ElementNotFound
from bots.locators import CssLocator
from bots.observer import StepCollector
from bots.step_log import BackgroundCapture, StepDetail, StepLog

pytestmark = pytest.mark.anyio

RED, BLUE = (200, 10, 30), (20, 40, 220)
PAINT = """colour => {
  let cover = document.getElementById('cover');
  if (!cover) {
    cover = document.createElement('input');
    cover.id = 'cover';
    cover.style.cssText = 'position:fixed;left:0;top:0;width:100vw;height:100vh;z-index:9999;border:0';
    cover.addEventListener('input', () => { cover.style.background = 'rgb(20, 40, 220)'; });
    document.body.appendChild(cover);
  }
  cover.style.background = colour;
}"""


def _colour(png: bytes | None) -> tuple[int, int, int]:
    assert png is not None
    assert png.startswith(b"\x89PNG")
    pixel: tuple[int, int, int] = Image.open(io.BytesIO(png)).convert("RGB").getpixel((640, 400))  # type: ignore[assignment]
    return pixel


@pytest.fixture
def driver(form_driver: WebDriver) -> WebDriver:
    return form_driver


@pytest.mark.web
async def test_web_capture_runs_in_the_background_and_reads_share_it(driver: WebDriver) -> None:
    recorder = StepCollector()
    log = StepLog(uuid.uuid4().hex, recorder, driver)
    assert isinstance(driver, BackgroundCapture)
    await driver.page.evaluate(PAINT, "rgb(200, 10, 30)")
    await log.record("expect", time.perf_counter(), [StepDetail(screen="form")])
    capturing = log._capturing
    assert capturing is not None
    assert recorder.steps == []  # waiting for the capture in flight
    await log.record("read", time.perf_counter(), [StepDetail(screen="form", field_name="a", value="1")])
    await log.record("emit", time.perf_counter(), [])
    assert not capturing.done()  # steps that only read the screen never wait for its picture
    assert recorder.steps == []
    await log.flush()
    assert [step.action for step in recorder.steps] == ["expect", "read", "emit"]
    assert [step.index for step in recorder.steps] == [0, 1, 2]
    assert _colour(recorder.steps[0].screenshot_png) == RED
    assert all(step.screenshot_png is recorder.steps[0].screenshot_png for step in recorder.steps)


@pytest.mark.web
async def test_a_screen_change_waits_for_the_capture_of_the_screen_before(driver: WebDriver) -> None:
    recorder = StepCollector()
    log = StepLog(uuid.uuid4().hex, recorder, driver)
    await driver.page.evaluate(PAINT, "rgb(200, 10, 30)")
    await log.record("expect", time.perf_counter(), [StepDetail(screen="red")])
    capturing = log._capturing
    assert capturing is not None
    assert not capturing.done()
    cover = (await driver.find_all(CssLocator(selector="#cover")))[0]
    started = time.perf_counter()
    await driver.type_text(cover, "x")  # the page turns blue on input
    assert capturing.done()
    await log.record("fill", started, [StepDetail(screen="red", field_name="cover", value="x")])
    navigation_saw_capture_done: list[bool] = []
    await log.flush()
    pictures: list[bytes | None] = []

    async def keep(picture: bytes | None) -> None:
        pictures.append(picture)

    capturing = driver.start_screenshot(keep)
    driver.page.on("request", lambda request: navigation_saw_capture_done.append(capturing.done()))
    await driver.goto("/frame.html")
    assert navigation_saw_capture_done
    assert all(navigation_saw_capture_done)
    assert len(pictures) == 1
    assert _colour(pictures[0]) == BLUE
    assert [step.action for step in recorder.steps] == ["expect", "fill"]
    assert _colour(recorder.steps[0].screenshot_png) == RED
    assert _colour(recorder.steps[1].screenshot_png) == BLUE


@pytest.mark.web
async def test_goto_waits_for_the_next_screen_and_failures_get_their_own(driver: WebDriver) -> None:
    recorder = StepCollector()
    log = StepLog(uuid.uuid4().hex, recorder, driver)
    await log.record("goto", time.perf_counter(), [StepDetail()])
    await driver.page.evaluate(PAINT, "rgb(200, 10, 30)")
    await log.record("expect", time.perf_counter(), [StepDetail(screen="red")])
    cover = (await driver.find_all(CssLocator(selector="#cover")))[0]
    await driver.type_text(cover, "x")  # a step that turns the page blue, then fails
    failure = ElementNotFound("no such field", screen="red")
    await log.record("read", time.perf_counter(), [StepDetail(screen="red")], failure)
    await log.flush()
    assert [(step.action, step.outcome.value) for step in recorder.steps] == [
        ("goto", "ok"),
        ("expect", "ok"),
        ("read", "failed"),
    ]
    assert [_colour(step.screenshot_png) for step in recorder.steps] == [RED, RED, BLUE]


class ForegroundDriver:
    """Counts captures; each returns a distinct picture (stands in for a desktop driver's screenshot)."""

    def __init__(self) -> None:
        self.captures = 0

    async def screenshot(self) -> bytes:
        self.captures += 1
        return f"picture {self.captures}".encode()


async def test_foreground_capture_one_picture_per_screen_state() -> None:
    recorder = StepCollector()
    driver = ForegroundDriver()
    log = StepLog(uuid.uuid4().hex, recorder, driver)  # type: ignore[arg-type]
    assert not isinstance(driver, BackgroundCapture)
    for action in ("goto", "expect", "readtable", "click", "read", "emit", "goto"):
        await log.record(action, time.perf_counter(), [StepDetail()])
    assert len(recorder.steps) == 6  # the last goto waits for the next picture
    await log.flush()
    pictures = [step.screenshot_png for step in recorder.steps]
    assert pictures == [b"picture 1"] * 3 + [b"picture 2"] * 3 + [b"picture 3"]
    assert driver.captures == 3

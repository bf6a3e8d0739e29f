"""The web driver's screenshot in real Chromium: the whole viewport, lossless, and of the screen as it is right now."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bots.drivers.web import WebDriver

pytestmark = [pytest.mark.anyio, pytest.mark.web]

PAINT = """colour => {
  let cover = document.getElementById('cover');
  if (!cover) {
    cover = document.createElement('div');
    cover.id = 'cover';
    cover.style.cssText = 'position:fixed;left:0;top:0;width:100vw;height:100vh;z-index:9999';
    document.body.appendChild(cover);
  }
  cover.style.background = colour;
}"""


@pytest.fixture
def driver(form_driver: WebDriver) -> WebDriver:
    return form_driver


def _image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


async def test_screenshot_is_the_whole_viewport_as_shown(driver: WebDriver) -> None:
    image = _image(await driver.screenshot())
    assert image.size == (1280, 800)
    assert len(image.getcolors(maxcolors=1280 * 800) or []) > 2  # the form's text and fields, not a blank frame


async def test_each_screenshot_shows_the_latest_change_exactly(driver: WebDriver) -> None:
    for colour, rgb in (("rgb(200, 10, 30)", (200, 10, 30)), ("rgb(20, 40, 220)", (20, 40, 220))):
        await driver.page.evaluate(PAINT, colour)
        image = _image(await driver.screenshot())
        assert image.getpixel((10, 10)) == rgb
        assert image.getpixel((1270, 790)) == rgb


async def test_screenshot_follows_navigation(driver: WebDriver) -> None:
    await driver.page.evaluate(PAINT, "rgb(0, 160, 0)")
    assert _image(await driver.screenshot()).getpixel((640, 400)) == (0, 160, 0)
    await driver.goto("/frame.html")
    assert str((await driver.signals()).url).endswith("/frame.html")
    assert _image(await driver.screenshot()).getpixel((640, 400)) != (0, 160, 0)

"""The live view against a real Xvfb: x11vnc serves it, noVNC shows it in Chromium and passes clicks back."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from bots.drivers.xvfb import VirtualDisplay
from recordings.live_view import LiveView

pytestmark = pytest.mark.desktop

BACKGROUND = (0x33, 0x66, 0xCC)
CANVAS = "#noVNC_container canvas"
CENTRE_PIXEL = """(canvas) => {
  const [r, g, b] = canvas.getContext('2d').getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data;
  return [r, g, b];
}"""
SHOWS_COLOUR = f"""([selector, expected]) => {{
  const canvas = document.querySelector(selector);
  return !!canvas && canvas.width > 0 && ({CENTRE_PIXEL})(canvas).join() === expected.join();
}}"""


def _pointer(display: VirtualDisplay) -> tuple[int, int]:
    out = subprocess.run(["xdotool", "getmouselocation"], env=display.env, capture_output=True, text=True, check=True)
    fields = dict(part.split(":") for part in out.stdout.split() if ":" in part)
    return int(fields["x"]), int(fields["y"])


def _wait_for_pointer_near(display: VirtualDisplay, x: int, y: int) -> tuple[int, int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        where = _pointer(display)
        if abs(where[0] - x) <= 3 and abs(where[1] - y) <= 3:
            return where
        time.sleep(0.05)
    return _pointer(display)


async def _watch_and_click(url: str, screenshot: Path) -> tuple[int, int, int]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
        )
        try:
            page = await browser.new_page(viewport={"width": 800, "height": 600})
            await page.goto(url)
            canvas = page.locator(CANVAS)
            await canvas.wait_for(state="visible", timeout=30_000)
            await page.wait_for_function(SHOWS_COLOUR, arg=[CANVAS, list(BACKGROUND)], timeout=30_000)
            await page.screenshot(path=str(screenshot))
            red, green, blue = await canvas.evaluate(CENTRE_PIXEL)
            await canvas.click()
            return red, green, blue
        finally:
            await browser.close()


def test_the_display_is_shown_and_usable_in_a_browser_tab(tmp_path: Path) -> None:
    colour = "#{:02x}{:02x}{:02x}".format(*BACKGROUND)
    with VirtualDisplay(width=640, height=480, background=colour) as display:
        subprocess.run(["xdotool", "mousemove", "5", "5"], env=display.env, check=True)
        with LiveView(display.display) as view:
            pids = view.pids
            assert view.url.startswith("http://127.0.0.1:")
            shown = asyncio.run(_watch_and_click(view.url, tmp_path / "live_view.png"))
            assert shown == BACKGROUND
            x, y = _wait_for_pointer_near(display, 320, 240)
            assert abs(x - 320) <= 3
            assert abs(y - 240) <= 3
        assert not [pid for pid in pids if Path(f"/proc/{pid}").exists()]

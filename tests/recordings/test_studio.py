"""The mapping studio in real Chromium: steps and screenshots, boxes drawn and OCR'd, bindings, validated saves."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
import yaml
from fastapi import FastAPI
from playwright.async_api import Page, async_playwright

from recordings.draft import draft_screen_map
from recordings.store import Recording
from recordings.studio import studio_router

pytestmark = pytest.mark.desktop


@pytest.fixture
def studio(demographics_recording: Recording, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A studio on a free port over the desktop recording and its drafted map; yields (base URL, map file)."""
    maps = tmp_path / "maps"
    maps.mkdir()
    map_path = maps / "authored_desktop.yaml"
    map_path.write_text(draft_screen_map(demographics_recording, "authored_desktop"), encoding="utf-8")
    app = FastAPI()
    app.include_router(studio_router(demographics_recording.folder.parent, maps))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the studio did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/studio", map_path
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def _author_session(base: str, map_path: Path) -> dict[str, str]:
    seen: dict[str, str] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
        )
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await page.goto(f"{base}/")
        await page.get_by_role("link", name="demographics").click()
        seen["steps"] = str(await page.locator("tr[id^=action-]").count())
        seen["ocr"] = await _test_ocr(page)
        seen["locator"] = await _draw_and_use(page)
        await page.goto(f"{base}/maps/authored_desktop")
        seen["refused"] = await _save_broken(page)
        seen["bound"] = await _bind(page)
        await browser.close()
    return seen


def _row_with_field(name: str) -> str:
    return f"tr:has(input.field-name[value='{name}'])"


async def _test_ocr(page: Page) -> str:
    row = page.locator(_row_with_field("last_name")).first
    await row.get_by_role("button", name="Test OCR of the anchor box").click()
    output = row.locator("output.ocr-result")
    await output.filter(has_text="%").wait_for()
    return await output.inner_text()


async def _draw_and_use(page: Page) -> str:
    row = page.locator(_row_with_field("last_name")).first
    shot = row.locator(".shot")
    field = row.locator(".box.field")
    before = await field.bounding_box()
    origin = await shot.bounding_box()
    assert before is not None
    assert origin is not None
    await page.keyboard.down("Shift")
    await page.mouse.move(before["x"] + 1, before["y"] + 1)
    await page.mouse.down()
    await page.mouse.move(before["x"] + before["width"] + 40, before["y"] + before["height"], steps=4)
    await page.mouse.up()
    await page.keyboard.up("Shift")
    await row.locator("input.map").fill("authored_desktop")
    await row.locator("input.screen").fill("patient_chart")
    await row.get_by_role("button", name="Use as the field's first locator").click()
    output = row.locator("output.use-result")
    await output.filter(has_text=re.compile(".")).wait_for()
    return await output.inner_text()


async def _save_broken(page: Page) -> str:
    text = await page.locator("textarea").input_value()
    await page.locator("textarea").fill(text.replace("driver: desktop", "driver: television"))
    await page.get_by_role("button", name="Save (validated)").click()
    return await page.locator("#problems").inner_text()


async def _bind(page: Page) -> str:
    await page.locator("input[name=binding]").fill("patient")
    await page.locator("input[name=field]").fill("mrn")
    await page.locator("input[name=fhir_path]").fill("gender")
    await page.locator("input[name=value_map]").fill("0100164=unknown, M=male")
    await page.get_by_role("button", name="Bind").click()
    return await page.locator("p.saved").inner_text()


def test_a_bot_author_works_in_the_studio(studio: tuple[str, Path], demographics_recording: Recording) -> None:
    base, map_path = studio
    seen = asyncio.run(_author_session(base, map_path))
    assert int(seen["steps"]) == len(demographics_recording.actions)
    assert "Last Name" in seen["ocr"]
    assert "ocr_anchor='Last Name:'" in seen["locator"]
    assert "authored_desktop.yaml:2" in seen["refused"] or "authored_desktop.yaml:" in seen["refused"]
    assert "driver" in seen["refused"]
    assert "it loads and validates" in seen["bound"]
    saved = yaml.safe_load(map_path.read_text(encoding="utf-8"))
    assert saved["source"]["driver"] == "desktop"
    first = saved["screens"]["patient_chart"]["fields"]["last_name"]["locators"][0]
    assert first["kind"] == "ocr_anchor"
    assert first["width"] > saved["screens"]["patient_chart"]["fields"]["last_name"]["locators"][1]["width"]
    rule = next(r for r in saved["bindings"]["patient"]["rules"] if r["path"] == "gender")
    assert rule["value_map"] == {"0100164": "unknown", "M": "male"}

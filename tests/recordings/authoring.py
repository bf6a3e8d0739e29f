"""What a bot author does in the browser while the recorder runs, scripted with Playwright for the tests."""

from __future__ import annotations

from pathlib import Path

from recordings.web_recorder import RecorderOptions, WebRecorder

OVERLAY = "#__retrofhir_overlay"


async def mark_with_overlay(recorder: WebRecorder, frame_name: str | None, selector: str, name: str) -> None:
    """Press the overlay's Mark field button, click the element, type its name and press Enter."""
    frame = recorder.page.frame(name=frame_name) if frame_name else recorder.page.main_frame
    assert frame is not None
    await frame.locator(f"{OVERLAY} .mark").click()
    await frame.locator(selector).first.click()
    await frame.locator(f"{OVERLAY} input[name=field_name]").fill(name)
    await frame.locator(f"{OVERLAY} input[name=field_name]").press("Enter")
    await recorder.wait_for_action(lambda action: action.field_name == name)


async def mark_with_chord(recorder: WebRecorder, frame_name: str, selector: str, name: str) -> None:
    """Hover the element, press Alt+Shift+M, type its name and press Enter."""
    frame = recorder.page.frame(name=frame_name)
    assert frame is not None
    await frame.locator(selector).first.hover()
    await recorder.page.keyboard.press("Alt+Shift+M")
    await frame.locator(f"{OVERLAY} input[name=field_name]").fill(name)
    await frame.locator(f"{OVERLAY} input[name=field_name]").press("Enter")
    await recorder.wait_for_action(lambda action: action.field_name == name)


async def record_problems(base_url: str, folder: Path) -> None:
    """Log in, search MRN 0100046 (John Smith) with Enter, open his chart, open Problems, mark a problem and the MRN."""
    options = RecorderOptions(url=f"{base_url}/login", folder=folder, name="problems")
    async with WebRecorder(options) as recorder:
        page = recorder.page
        await page.locator("input[name=username]").fill("nurse")
        await page.locator("input[name=password]").fill("nurse123")
        await page.get_by_role("button", name="Log In").click()
        nav, main = page.frame_locator("frame[name=nav]"), page.frame_locator("frame[name=main]")
        await nav.get_by_role("link", name="Patient Search").click()
        await main.locator("input[name=mrn]").fill("0100046")
        await main.locator("input[name=mrn]").press("Enter")  # submits the search as a nurse would
        await main.locator("table.grid a").first.click()
        await main.get_by_role("link", name="Problems").click()
        await main.locator("table.grid").wait_for()
        await mark_with_overlay(recorder, "main", "table.grid tr:nth-child(2) td:nth-child(1)", "description")
        await mark_with_chord(recorder, "main", "b >> nth=1", "mrn")

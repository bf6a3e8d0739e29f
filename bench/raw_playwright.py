"""The baseline the engine is measured against: a minimal hand-written Playwright script for the practice web EHR.

It does what a careful person would write by hand for one Patient read, and nothing more: open the MRN search
result, take the chart link of the one row, open the chart and pull every "Label: value" pair of the
demographics table in one evaluate call. No screen recognition, no locator fallbacks, no FHIR mapping or
validation, no step log: that is exactly the work the engine adds, and what the ratio prices.
"""

from __future__ import annotations

from urllib.parse import urljoin

from playwright.async_api import Browser, BrowserContext, Page

DEMOGRAPHICS = """() => {
  const fields = {};
  for (const row of document.querySelectorAll('tr')) {
    const cells = row.querySelectorAll(':scope > td');
    if (cells.length !== 2) continue;
    const label = cells[0].innerText.trim();
    if (label.endsWith(':')) fields[label.slice(0, -1)] = cells[1].innerText.trim();
  }
  return fields;
}"""


class RawScriptSession:
    """One logged-in browser context reading patients the hand-written way."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._context: BrowserContext | None = None
        self._page: Page | None = None

    @property
    def page(self) -> Page:
        if self._page is None:
            raise RuntimeError("log in first")
        return self._page

    async def log_in(self, browser: Browser, username: str, password: str) -> None:
        self._context = await browser.new_context(viewport={"width": 1280, "height": 800})
        page = await self._context.new_page()
        await page.goto(f"{self.base_url}/login", wait_until="domcontentloaded")
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", password)
        async with page.expect_navigation(wait_until="domcontentloaded"):
            await page.get_by_role("button", name="Log In").click()
        if await page.locator("frame[name=main]").count() != 1:
            raise RuntimeError("the raw script could not log in")
        self._page = page

    async def read_patient(self, mrn: str) -> dict[str, str]:
        """The demographics of the patient with this MRN, as label -> text."""
        page = self.page
        await page.goto(f"{self.base_url}/search?go=1&mrn={mrn}", wait_until="domcontentloaded")
        chart = await page.locator("table.grid a[href*='/chart/']").first.get_attribute("href")
        if chart is None:
            raise LookupError("no such patient")
        await page.goto(urljoin(self.base_url + "/", chart), wait_until="domcontentloaded")
        fields: dict[str, str] = await page.evaluate(DEMOGRAPHICS)
        if fields.get("MRN") != mrn:
            raise LookupError("the chart shown is not the patient asked for")
        return fields

    async def close(self) -> None:
        if self._context is not None:
            await self._context.close()
            self._context = None
            self._page = None

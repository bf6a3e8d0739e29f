"""The web driver: one Playwright browser context per session over Debian's Chromium.

Typing is literal (`fill` sets the value; no character is ever sent as a key press). Dialogs raised by a click are
answered as the step says and any other dialog is dismissed; their messages are kept for the engine (they are
how legacy web apps report validation errors). Every wait is bounded by the source's timeouts. A screenshot can be
started in the background (`start_screenshot`): every action that can change the screen waits for it first.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urljoin

from playwright.async_api import BrowserContext, CDPSession, Dialog, Frame, Page, Response
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator as PlaywrightLocator
from playwright.async_api import TimeoutError as PlaywrightTimeout

from bots.drivers.base import DialogAnswer, FieldText, ScreenProbe, ScreenSignals
from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.page_queries import MATCH_ALL, MATCH_ROWS, PROBE, READ_ELEMENT, page_spec
from bots.errors import ConfigurationError, LegacyUnreachable, StepTimeout
from bots.literal_text import check_literal
from bots.locators import (
    BatchAnswer,
    CellLocator,
    CssLocator,
    DataTestIdLocator,
    Element,
    FieldQuery,
    FrameRef,
    LabelLocator,
    Locator,
    PageMatch,
    PlaceholderLocator,
    RoleLocator,
    TextLocator,
    WebLocator,
    XPathLocator,
)
from bots.map_models import Timeouts, key_chord
from bots.observer import Box

FOUND_ELEMENTS = f"""els => els.map(el => {{
  const r = el.getBoundingClientRect();
  return [r.x, r.y, r.width, r.height, ({READ_ELEMENT})(el)];
}})"""
NET_ERROR = re.compile(r"net::ERR_[A-Z_]+")
PAGE_STATE = "() => [document.title, document.readyState]"
VISIBLE_TEXT = "text => !!document.body && document.body.innerText.includes(text)"
# The viewport as the compositor draws it now, PNG with zlib's fast setting (lossless; larger files, less CPU).
logger = logging.getLogger(__name__)
CAPTURE_VIEWPORT = {"format": "png", "optimizeForSpeed": True, "fromSurface": True, "captureBeyondViewport": False}

Scope = Page | Frame | PlaywrightLocator


def _box(found: list[Any]) -> Box:
    x, y, width, height = (int(value) for value in found[:4])
    return Box(x, y, width, height)


def _page_match(found: list[Any] | None, handle: PlaywrightLocator) -> PageMatch | None:
    """A page-side answer ([count] or [1, box, auto reading, reading]) as a match whose element has this handle."""
    if found is None:
        return None
    if found[0] != 1:
        return PageMatch(int(found[0]))
    reading = None if found[3] is None else str(found[3])
    return PageMatch(1, Element(box=_box(found[1]), handle=handle, text=str(found[2])), reading)


def _xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    parts = text.split("'")
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in parts) + ")"


def cell_xpath(locator: CellLocator) -> str:
    """The cell of a row (the context node) under the header cell with this text (first row of the table)."""
    header = f"ancestor::table[1]/descendant::tr[1]/*[normalize-space(.)={_xpath_literal(locator.header)}]"
    cell = f"./td[{header}][count({header}/preceding-sibling::*) + 1]"
    return f"{cell}/descendant::{locator.descendant}" if locator.descendant else cell


class WebDriver:
    """One web session: a browser context and its page."""

    kind = "web"

    def __init__(self, host: BrowserHost, options: LaunchOptions, base_url: str, timeouts: Timeouts) -> None:
        self._host = host
        self._options = options
        self._base_url = base_url.rstrip("/") + "/"
        self._timeouts = timeouts
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._devtools: CDPSession | None = None
        self._capturing: asyncio.Future[None] | None = None
        self._dialog_answer: DialogAnswer | None = None
        self._http_status: int | None = None
        self.dialog_messages: deque[str] = deque(maxlen=20)

    @property
    def page(self) -> Page:
        if self._page is None:
            raise ConfigurationError("the web session is not started")
        return self._page

    async def start(self, state: dict[str, Any] | None = None) -> None:
        browser = await self._host.browser(self._options)
        self._context = await browser.new_context(
            storage_state=state,  # type: ignore[arg-type]
            viewport={"width": 1280, "height": 800},
        )
        page = await self._context.new_page()
        page.set_default_timeout(self._timeouts.element_seconds * 1000)
        page.set_default_navigation_timeout(self._timeouts.navigation_seconds * 1000)
        page.on("dialog", self._on_dialog)
        page.on("response", self._on_response)
        self._page = page

    async def stop(self) -> None:
        await self._capture_done()
        context, self._context, self._page, self._devtools = self._context, None, None, None
        if context is not None:
            try:
                await context.close()
            except PlaywrightError:
                return

    async def saved_state(self) -> dict[str, Any] | None:
        if self._context is None:
            return None
        return dict(await self._context.storage_state())

    async def _on_dialog(self, dialog: Dialog) -> None:
        answer, self._dialog_answer = self._dialog_answer, None
        self.dialog_messages.append(dialog.message)
        if answer == "accept":
            await dialog.accept()
        else:
            await dialog.dismiss()

    def _on_response(self, response: Response) -> None:
        if response.request.is_navigation_request() and response.frame.parent_frame is None:
            self._http_status = response.status

    async def goto(self, address: str) -> None:
        await self._capture_done()
        url = address if "://" in address else urljoin(self._base_url, address.lstrip("/"))
        try:
            await self.page.goto(url, wait_until="domcontentloaded")
        except PlaywrightTimeout:
            raise StepTimeout(f"page did not load within {self._timeouts.navigation_seconds} s", step="goto") from None
        except PlaywrightError as error:
            found = NET_ERROR.search(error.message or "")
            reason = found.group(0) if found else "navigation failed"
            raise LegacyUnreachable(f"cannot reach the legacy system ({reason})", step="goto") from None

    async def go_back(self) -> None:
        await self._capture_done()
        try:
            await self.page.go_back(wait_until="domcontentloaded")
        except PlaywrightTimeout:
            raise StepTimeout("going back did not finish in time", step="back") from None

    async def signals(self) -> ScreenSignals:
        page = self.page
        try:
            title, ready_state = await page.evaluate(PAGE_STATE)
        except PlaywrightError:
            return ScreenSignals(url=page.url, title=None, loading=True, http_status=self._http_status)
        return ScreenSignals(url=page.url, title=title, loading=ready_state == "loading", http_status=self._http_status)

    async def has_text(self, text: str) -> bool:
        for frame in self.page.frames:
            try:
                if await frame.evaluate(VISIBLE_TEXT, text):
                    return True
            except PlaywrightError:
                continue
        return False

    def _scope(self, locator: WebLocator, within: Element | None) -> Scope | None:
        if within is not None:
            handle: PlaywrightLocator = within.handle
            return handle
        if locator.frame is None:
            return self.page
        return self._frame(locator.frame)

    def _frame(self, ref: FrameRef) -> Frame | None:
        for frame in self.page.frames:
            if ref.name is not None and frame.name == ref.name:
                return frame
            if ref.url is not None and ref.url in frame.url:
                return frame
        return None

    def _query(self, scope: Scope, locator: Locator) -> PlaywrightLocator:
        if isinstance(locator, DataTestIdLocator):
            return scope.get_by_test_id(locator.value)
        if isinstance(locator, RoleLocator):
            return scope.get_by_role(locator.role, name=locator.name, exact=locator.exact)  # type: ignore[arg-type]
        if isinstance(locator, LabelLocator):
            return scope.get_by_label(locator.text, exact=locator.exact)
        if isinstance(locator, PlaceholderLocator):
            return scope.get_by_placeholder(locator.text, exact=locator.exact)
        if isinstance(locator, TextLocator):
            return scope.get_by_text(locator.text, exact=locator.exact)
        if isinstance(locator, CssLocator):
            return scope.locator(locator.selector)
        if isinstance(locator, XPathLocator):
            return scope.locator(f"xpath={locator.expression}")
        if isinstance(locator, CellLocator):
            return scope.locator(f"xpath={cell_xpath(locator)}")
        raise ConfigurationError(f"the web driver cannot find {locator.kind} locators")

    async def find_all(self, locator: Locator, within: Element | None = None) -> list[Element]:
        if not isinstance(locator, WebLocator):
            raise ConfigurationError(f"the web driver cannot find {locator.kind} locators")
        scope = self._scope(locator, within)
        if scope is None:
            return []
        query = self._query(scope, locator)
        try:
            found: list[list[Any]] = await query.evaluate_all(FOUND_ELEMENTS)
        except PlaywrightError:
            return []
        if len(found) == 1:
            return [Element(box=_box(found[0]), handle=query, text=str(found[0][4]))]
        return [Element(box=_box(item), handle=query.nth(index), text=str(item[4])) for index, item in enumerate(found)]

    def _spec(self, locator: Locator) -> list[Any] | None:
        if not isinstance(locator, WebLocator):
            return None
        return page_spec(locator, cell_xpath(locator) if isinstance(locator, CellLocator) else None)

    async def find_batch(self, queries: Sequence[FieldQuery]) -> list[BatchAnswer]:
        """Every query's page-resolvable locators matched in one call per frame they live in (normally one)."""
        answers: list[BatchAnswer] = [[None] * len(query.locators) for query in queries]
        by_frame: dict[Frame, list[tuple[int, int, list[Any]]]] = {}
        for number, query in enumerate(queries):
            for rank, locator in enumerate(query.locators):
                spec = self._spec(locator)
                if spec is None or not isinstance(locator, WebLocator):
                    continue
                frame = self.page.main_frame if locator.frame is None else self._frame(locator.frame)
                if frame is None:
                    answers[number][rank] = PageMatch(0)  # as `find_all` finds nothing in a missing frame
                    continue
                by_frame.setdefault(frame, []).append((number, rank, spec))
        for frame, items in by_frame.items():
            try:
                found = await frame.evaluate(MATCH_ALL, [[spec, queries[number].how] for number, _, spec in items])
            except PlaywrightError:
                continue  # the page changed under the call: each of these locators is then found on its own
            for (number, rank, _), result in zip(items, found, strict=True):
                locator = queries[number].locators[rank]
                scope: Scope = self.page if frame is self.page.main_frame else frame
                answers[number][rank] = _page_match(result, self._query(scope, locator))
        return answers

    async def find_table_batch(
        self, rows: Sequence[Locator], columns: Sequence[FieldQuery]
    ) -> list[tuple[Element, list[BatchAnswer]]] | None:
        """A table's rows and every column inside each row in one call; None when a row locator needs Playwright."""
        row_specs = [self._spec(locator) for locator in rows]
        frames = {locator.frame for locator in rows if isinstance(locator, WebLocator)}
        if not rows or any(spec is None for spec in row_specs) or len(frames) != 1:
            return None
        (ref,) = frames
        frame = self.page.main_frame if ref is None else self._frame(ref)
        if frame is None:
            return None
        items = [
            None if spec is None else [spec, column.how]
            for column in columns
            for spec in (self._spec(locator) for locator in column.locators)
        ]
        try:
            found = await frame.evaluate(MATCH_ROWS, [row_specs, items])
        except PlaywrightError:
            return None
        if found is None or not found["rows"]:
            return None if found is None else []
        query = self._query(self.page if ref is None else frame, rows[found["rank"]])
        count = len(found["rows"])
        table: list[tuple[Element, list[BatchAnswer]]] = []
        for index, (box, text, matches) in enumerate(found["rows"]):
            handle = query if count == 1 else query.nth(index)
            position = iter(matches)
            answers = [
                [_page_match(next(position), self._query(handle, locator)) for locator in column.locators]
                for column in columns
            ]
            table.append((Element(box=_box(box), handle=handle, text=str(text)), answers))
        return table

    def current_url(self) -> str | None:
        return self.page.url

    async def probe(self, texts: Sequence[str], locators: Sequence[Locator]) -> ScreenProbe:
        """The screen's signals, which texts the page shows and how many elements each locator matches: one call.

        Texts are looked for in the top document; one it lacks counts as absent only when the page has no other
        frame. Locators inside a frame, or that only Playwright resolves, are left out (found on their own).
        """
        page = self.page
        specs = [
            (locator, spec)
            for locator in locators
            if isinstance(locator, WebLocator) and locator.frame is None and (spec := self._spec(locator)) is not None
        ]
        try:
            title, ready_state, shown, counts = await page.evaluate(PROBE, [list(texts), [spec for _, spec in specs]])
        except PlaywrightError:
            return ScreenProbe(ScreenSignals(url=page.url, title=None, loading=True, http_status=self._http_status))
        signals = ScreenSignals(
            url=page.url, title=title, loading=ready_state == "loading", http_status=self._http_status
        )
        only_frame = len(page.frames) == 1
        seen = {
            text: bool(shown_here) for text, shown_here in zip(texts, shown, strict=True) if shown_here or only_frame
        }
        matched: dict[Locator, int] = {
            locator: int(count) for (locator, _), count in zip(specs, counts, strict=True) if count is not None
        }
        return ScreenProbe(signals, seen, matched)

    async def read(self, element: Element, how: str = "auto") -> FieldText:
        handle: PlaywrightLocator = element.handle
        if how == "text":
            return FieldText(await handle.inner_text())
        if how == "value":
            return FieldText(await handle.input_value())
        if how.startswith("attribute:"):
            return FieldText(await handle.get_attribute(how.removeprefix("attribute:")) or "")
        return FieldText(str(await handle.evaluate(READ_ELEMENT)))

    async def type_text(self, element: Element, text: str, *, multiline: bool = False) -> None:
        await self._capture_done()
        check_literal(text, multiline=multiline)
        handle: PlaywrightLocator = element.handle
        await handle.fill(text)

    async def click(self, element: Element, *, dialog: DialogAnswer | None = None) -> None:
        await self._capture_done()
        handle: PlaywrightLocator = element.handle
        self._dialog_answer = dialog
        try:
            await handle.click()
        except PlaywrightTimeout:
            raise StepTimeout("element could not be clicked in time", step="click") from None

    async def press_key(self, element: Element | None, key: str) -> None:
        await self._capture_done()
        chord = key_chord(key)
        try:
            if element is None:
                await self.page.keyboard.press(chord)
            else:
                handle: PlaywrightLocator = element.handle
                await handle.press(chord)
        except PlaywrightTimeout:
            raise StepTimeout("the key could not be pressed in time", step="press") from None

    async def select_option(self, element: Element, label: str) -> None:
        await self._capture_done()
        handle: PlaywrightLocator = element.handle
        await handle.select_option(label=label)

    async def set_checked(self, element: Element, checked: bool) -> None:
        await self._capture_done()
        handle: PlaywrightLocator = element.handle
        await handle.set_checked(checked)

    def start_screenshot(self, then: Callable[[bytes | None], Awaitable[None]]) -> asyncio.Future[None]:
        """Capture the screen as it is now and hand the picture (None if it failed) to `then`, in the background.

        Until both are done, every action that can change the screen waits.
        """
        self._capturing = asyncio.ensure_future(self._capture_then(then))
        return self._capturing

    async def _capture_then(self, then: Callable[[bytes | None], Awaitable[None]]) -> None:
        try:
            picture: bytes | None = await self.screenshot()
        except Exception:  # a screen that cannot be captured is reported without a picture
            picture = None
        await then(picture)

    async def _capture_done(self) -> None:
        capturing, self._capturing = self._capturing, None
        if capturing is not None:
            await asyncio.wait({capturing})  # what it reports is the caller's business; only its end matters here

    async def screenshot(self) -> bytes:
        """The viewport as shown right now, as PNG, through Chromium's DevTools protocol in one round trip.

        Playwright's `page.screenshot` does the same capture but first hides the caret in every frame (a style
        injected and removed again: two more round trips per frame) and encodes with zlib's default level; neither
        adds evidence. The capture draws a fresh frame, so it shows every change the step made.
        """
        page = self.page
        for attempt in (1, 2):
            if self._devtools is None:
                self._devtools = await page.context.new_cdp_session(page)
            try:
                captured = await asyncio.wait_for(
                    self._devtools.send("Page.captureScreenshot", CAPTURE_VIEWPORT), self._timeouts.element_seconds
                )
            except (PlaywrightError, TimeoutError) as error:
                self._devtools = None  # a detached or stuck session is replaced, and the capture tried once more
                logger.warning("DevTools screen capture failed (%s), attempt %d", type(error).__name__, attempt)
                continue
            return base64.b64decode(captured["data"])
        # Evidence is not optional: when DevTools capture keeps failing, Playwright's own (slower) screenshot.
        return await page.screenshot(type="png", timeout=self._timeouts.element_seconds * 1000)

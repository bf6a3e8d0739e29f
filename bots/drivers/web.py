"""The web driver: one Playwright browser context per session over Debian's Chromium.

Typing is literal (`fill` sets the value; no character is ever sent as a key press). Dialogs raised by a click are
answered as the step says and any other dialog is dismissed; their messages are kept for the engine (they are
how legacy web apps report validation errors). Every wait is bounded by the source's timeouts. A screenshot can be
started in the background (`start_screenshot`): every action that can change the screen waits for it first.
Finding and reading elements (one by one or batched) is the `WebLocating` half, in `bots.drivers.web_locating`.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urljoin

from playwright.async_api import BrowserContext, CDPSession, Dialog, Response
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator as PlaywrightLocator
from playwright.async_api import TimeoutError as PlaywrightTimeout

from bots.drivers.base import DialogAnswer
from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.web_locating import WebLocating
from bots.errors import ConfigurationError, LegacyUnreachable, StepTimeout
from bots.literal_text import check_literal
from bots.locators import Element
from bots.map_models import Timeouts, key_chord

NET_ERROR = re.compile(r"net::ERR_[A-Z_]+")
# The viewport as the compositor draws it now, PNG with zlib's fast setting (lossless; larger files, less CPU).
logger = logging.getLogger(__name__)
CAPTURE_VIEWPORT = {"format": "png", "optimizeForSpeed": True, "fromSurface": True, "captureBeyondViewport": False}
CAPTURE_ATTEMPTS = 4
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


class WebDriver(WebLocating):
    """One web session: a browser context and its page."""

    kind = "web"

    def __init__(self, host: BrowserHost, options: LaunchOptions, base_url: str, timeouts: Timeouts) -> None:
        super().__init__()
        self._host = host
        self._options = options
        self._base_url = base_url.rstrip("/") + "/"
        self._timeouts = timeouts
        self._context: BrowserContext | None = None
        self._shared_context: BrowserContext | None = None  # a sibling page's: not this driver's to close
        self._devtools: CDPSession | None = None
        self._capturing: asyncio.Future[None] | None = None
        self._dialog_answer: DialogAnswer | None = None
        self.dialog_messages: deque[str] = deque(maxlen=20)

    async def start(self, state: dict[str, Any] | None = None) -> None:
        browser = await self._host.browser(self._options)
        self._context = await browser.new_context(
            storage_state=state,  # type: ignore[arg-type]
            viewport={"width": 1280, "height": 800},
        )
        await self._open_page(self._context)

    async def sibling(self) -> WebDriver:
        """Another page of this session's browser context: the same login, no other seat; its `stop` closes the page."""
        if self._context is None:
            raise ConfigurationError("the web session is not started")
        other = WebDriver(self._host, self._options, self._base_url, self._timeouts)
        other._shared_context = self._context
        await other._open_page(self._context)
        return other

    async def _open_page(self, context: BrowserContext) -> None:
        page = await context.new_page()
        page.set_default_timeout(self._timeouts.element_seconds * 1000)
        page.set_default_navigation_timeout(self._timeouts.navigation_seconds * 1000)
        page.on("dialog", self._on_dialog)
        page.on("response", self._on_response)
        self._page = page

    async def stop(self) -> None:
        await self._capture_done()
        closing = self._context if self._shared_context is None else self._page  # a sibling closes only its page
        self._context, self._shared_context, self._page, self._devtools = None, None, None, None
        if closing is not None:
            try:
                await closing.close()
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

    async def _frame_drawn(self, deadline: float) -> bool:
        """Wait until the page has drawn a frame (two animation frames); False when none came before `deadline`."""
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            return False
        try:
            await asyncio.wait_for(self.page.evaluate(TWO_FRAMES), remaining)
        except (PlaywrightError, TimeoutError):
            return asyncio.get_running_loop().time() < deadline  # a navigation interrupted the wait: try again
        return True

    async def screenshot(self) -> bytes:
        """The viewport as shown right now, as PNG, through Chromium's DevTools protocol in one round trip.

        Playwright's `page.screenshot` does the same capture but first hides the caret in every frame (a style
        injected and removed again: two more round trips per frame) and encodes with zlib's default level; neither
        adds evidence. The capture draws a fresh frame, so it shows every change the step made.
        """
        page = self.page
        deadline = asyncio.get_running_loop().time() + self._timeouts.element_seconds
        for attempt in range(1, CAPTURE_ATTEMPTS + 1):
            if self._devtools is None:
                self._devtools = await page.context.new_cdp_session(page)
            remaining = deadline - asyncio.get_running_loop().time()
            try:
                captured = await asyncio.wait_for(
                    self._devtools.send("Page.captureScreenshot", CAPTURE_VIEWPORT), max(remaining, 0.5)
                )
            except (PlaywrightError, TimeoutError) as error:
                # Routine right after a navigation: a renderer swap detaches the session ("Not attached to an active
                # page"), and a new document has no frame to copy yet ("Unable to capture screenshot"). A new
                # session, a frame drawn, and the capture is tried again, within the element timeout.
                self._devtools = None
                logger.debug("DevTools screen capture failed (%s), attempt %d", type(error).__name__, attempt)
                if not await self._frame_drawn(deadline):
                    break
                continue
            return base64.b64decode(captured["data"])
        # Evidence is not optional: when DevTools capture keeps failing, Playwright's own (slower) screenshot.
        logger.warning("DevTools screen capture kept failing: taking Playwright's screenshot instead")
        return await page.screenshot(type="png", timeout=self._timeouts.element_seconds * 1000)

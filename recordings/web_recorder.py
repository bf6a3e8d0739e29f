"""Record a web application: Chromium with an injected recorder script, writing `recordings/<name>/` as it goes.

    async with WebRecorder(RecorderOptions(url=..., folder=Path("recordings/problems"), name="problems")) as rec:
        await rec.page.get_by_label("User").fill("nurse")      # tests drive the page; authors use the window
        await rec.wait_for_actions(1)

The script (`recorder.js`, added to every frame with `add_init_script`) reports clicks, fills, selects, key presses
and marked fields through one exposed binding; navigations and dialogs come from Playwright's events. One queue
keeps them in the order they happened. Dialogs are accepted (and recorded) so a flow can go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Dialog, Frame, Page, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from recordings.actions import RecordedAction
from recordings.store import RecordingMeta, RecordingWriter
from recordings.web_actions import action_from_payload, frame_ref, without_overlay

SCREENSHOT_ATTEMPTS = 2
SCREENSHOT_TIMEOUT_MS = 10_000
WAIT_SECONDS = 60.0  # waits are conditions: they end as soon as the recorder caught up; this only bounds a hang
RECORDER_SCRIPT = Path(__file__).with_name("recorder.js")
DEFAULT_RESOLVER_RULES = "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecorderOptions:
    url: str
    folder: Path
    name: str
    executable_path: Path = Path("/usr/bin/chromium")
    headless: bool = True
    host_resolver_rules: str = DEFAULT_RESOLVER_RULES
    environment: dict[str, str | float | bool] | None = None
    viewport: tuple[int, int] = (1280, 800)


@dataclass
class _State:
    armed: bool = False
    pending: int = 0
    lost: int = 0
    last_frame: Any = "none yet"
    queue: asyncio.Queue[tuple[str, Any]] = field(default_factory=asyncio.Queue)


class WebRecorder:
    """A recording session over one browser page."""

    def __init__(self, options: RecorderOptions) -> None:
        self.options = options
        self.writer = RecordingWriter(options.folder, RecordingMeta(name=options.name, driver="web", url=options.url))
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._page: Page | None = None
        self._state = _State()
        self._consumer: asyncio.Task[None] | None = None

    @property
    def page(self) -> Page:
        if self._page is None:
            raise RuntimeError("the recorder is not started")
        return self._page

    @property
    def actions(self) -> list[RecordedAction]:
        return self.writer.actions

    async def __aenter__(self) -> WebRecorder:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        options = self.options
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=str(options.executable_path),
            headless=options.headless,
            args=[f"--host-resolver-rules={options.host_resolver_rules}"],
            env=options.environment,
        )
        width, height = options.viewport
        context = await self._browser.new_context(viewport={"width": width, "height": height})
        script = RECORDER_SCRIPT.read_text(encoding="utf-8")
        await context.add_init_script(script=script)
        await context.expose_binding("__retrofhirRecord", self._on_binding)
        page = await context.new_page()
        page.on("framenavigated", self._on_navigated)
        page.on("dialog", self._on_dialog)
        self._page = page
        self._consumer = asyncio.create_task(self._consume())
        self._enqueue("goto", options.url)
        self._state.armed = True  # a redirect of the first page is part of opening it, not a new goto
        await page.goto(options.url, wait_until="domcontentloaded")

    async def stop(self) -> None:
        """Write what is left and close the browser (never raises for an already closed one)."""
        with contextlib.suppress(TimeoutError):
            await self.settle()
        if self._consumer is not None:
            self._consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._consumer
        if self._browser is not None:
            with contextlib.suppress(PlaywrightError):
                await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        self._browser = self._playwright = self._page = None

    async def wait_until_closed(self) -> None:
        """For an author at the window: returns when they close the recorded page."""
        closed = asyncio.Event()
        self.page.on("close", lambda _page: closed.set())
        await closed.wait()

    async def settle(self, timeout_seconds: float = WAIT_SECONDS) -> None:
        """Wait until every reported event has been written."""
        deadline = time.monotonic() + timeout_seconds
        while self._state.pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the recorder did not catch up: {self._backlog()}")
            await asyncio.sleep(0.02)

    async def wait_for_actions(self, count: int, timeout_seconds: float = WAIT_SECONDS) -> list[RecordedAction]:
        """Wait until at least `count` actions are written (tests drive the page, then wait for the recorder)."""
        deadline = time.monotonic() + timeout_seconds
        while len(self.actions) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {len(self.actions)} of {count} actions were recorded: {self._backlog()}")
            await asyncio.sleep(0.02)
        await self.settle(timeout_seconds)
        return self.actions

    async def wait_for_action(
        self, matches: Callable[[RecordedAction], bool], timeout_seconds: float = WAIT_SECONDS
    ) -> RecordedAction:
        """Wait until an action like this is written, and return it."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            found = next((action for action in self.actions if matches(action)), None)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"no such action was recorded: {self._backlog()}")
            await asyncio.sleep(0.02)

    def _backlog(self) -> str:
        state = self._state
        return f"{len(self.actions)} written, {state.pending} waiting, {state.lost} lost"

    async def _on_binding(self, source: dict[str, Any], payload: dict[str, Any]) -> None:
        self._enqueue("user", (source["frame"], payload))

    def _on_navigated(self, frame: Frame) -> None:
        self._enqueue("navigated", frame)

    async def _on_dialog(self, dialog: Dialog) -> None:
        message, dialog_type = dialog.message, dialog.type
        with contextlib.suppress(PlaywrightError):
            await dialog.accept()
        self._enqueue("dialog", (dialog_type, message))

    def _enqueue(self, kind: str, data: Any) -> None:
        self._state.pending += 1
        self._state.queue.put_nowait((kind, data))

    async def _consume(self) -> None:
        queue = self._state.queue
        while True:
            kind, data = await queue.get()
            try:
                await self._handle(kind, data)
            except Exception as error:  # one lost event (the page went away under it) must not end the recording
                self._state.lost += 1
                LOG.warning("recorder: a %s event was lost (%s)", kind, type(error).__name__)
            finally:
                self._state.pending -= 1

    async def _handle(self, kind: str, data: Any) -> None:
        writer = self.writer
        if kind == "goto":
            writer.append(RecordedAction(index=writer.next_index, kind="goto", step={"goto": data}, url=data))
        elif kind == "navigated":
            await self._navigated(data)
        elif kind == "dialog":
            dialog_type, message = data
            writer.append(
                RecordedAction(index=writer.next_index, kind="dialog", key=dialog_type, dialog_message=message)
            )
        else:
            frame, payload = data
            await self._user_action(frame, payload)

    async def _navigated(self, frame: Frame) -> None:
        writer = self.writer
        is_main = frame.parent_frame is None
        if frame.url in ("about:blank", ""):
            return
        recent = writer.actions[-1] if writer.actions else None
        if is_main and not self._state.armed and not (recent and recent.kind == "goto" and recent.url == frame.url):
            writer.append(RecordedAction(index=writer.next_index, kind="goto", step={"goto": frame.url}, url=frame.url))
            return
        if is_main:
            self._state.armed = False
        ref = frame_ref(frame.name, frame.url, is_main)
        writer.append(RecordedAction(index=writer.next_index, kind="navigate", url=frame.url, frame=ref))

    async def _screenshot(self, page: Page) -> bytes | None:
        """The page now; a capture that a navigation interrupted is taken again once the new page has loaded."""
        for attempt in range(SCREENSHOT_ATTEMPTS):
            try:
                return await page.screenshot(type="png", timeout=SCREENSHOT_TIMEOUT_MS)
            except PlaywrightError:
                if attempt + 1 < SCREENSHOT_ATTEMPTS:
                    with contextlib.suppress(PlaywrightError):
                        await page.wait_for_load_state("domcontentloaded", timeout=5000)
        return None

    async def _user_action(self, frame: Frame, payload: dict[str, Any]) -> None:
        writer = self.writer
        page = self.page
        is_main = frame.parent_frame is None
        ref = frame_ref(frame.name, frame.url, is_main)
        if self._state.last_frame != "none yet" and self._state.last_frame != ref:
            writer.append(RecordedAction(index=writer.next_index, kind="frame", frame=ref, url=frame.url))
        self._state.last_frame = ref
        if payload["type"] in ("click", "press"):
            self._state.armed = True
        index = writer.next_index
        action = action_from_payload(index, payload, ref, payload.get("url"), payload.get("title"))
        updates: dict[str, Any] = {}
        png = await self._screenshot(page)
        if png is not None:
            updates["screenshot"] = writer.save_screenshot(index, png)
        if payload.get("dom"):
            updates["dom"] = writer.save_dom(without_overlay(payload["dom"]))
        writer.append(action.model_copy(update=updates))

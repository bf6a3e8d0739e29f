"""`retrofhir replay`: play a web recording back with the engine's own driver and report the first divergence.

Each recorded element is found again by its ranked candidates (`bots.locators.locate`), so a replay also shows
which candidate still works. A divergence is the first place where the live application differs from what was
recorded: a frame showing another page, no candidate matching, or a marked field reading another value.
Credentials are never in a recording; their values come from `RETROFHIR_RECORDING_<NAME>` variables.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame

from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.web import WebDriver
from bots.errors import BotError
from bots.locators import Located, describe_all, locate
from bots.map_models import Timeouts
from recordings.actions import RecordedAction, element_name
from recordings.screens_seen import path_pattern
from recordings.store import Recording
from retrofhir.config import Settings

USER_KINDS = frozenset({"click", "fill", "select", "check", "press", "field"})
# Set on a frame's window before an action that navigates it; a new document does not have it. This tells a
# navigation to the same path (a search form submitted to itself) from the page before it.
OLD_DOCUMENT_MARK = "__retrofhirReplayOldDocument"


@dataclass(frozen=True)
class Divergence:
    index: int
    action: str
    message: str

    def describe(self) -> str:
        return f"action #{self.index} ({self.action}): {self.message}"


@dataclass
class ReplayResult:
    actions_replayed: int = 0
    drift: list[str] = field(default_factory=list)
    divergence: Divergence | None = None


def recording_credentials(environment: Mapping[str, str] | None = None) -> dict[str, str]:
    """Credential values by name from `RETROFHIR_RECORDING_<NAME>` variables."""
    prefix = "RETROFHIR_RECORDING_"
    env = os.environ if environment is None else environment
    return {name.removeprefix(prefix).lower(): value for name, value in env.items() if name.startswith(prefix)}


def rebased(url: str, base_url: str | None) -> str:
    if not base_url:
        return url
    parts = urlsplit(url)
    return base_url.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")


class Replayer:
    """Replays one recording on one web session."""

    def __init__(self, recording: Recording, driver: WebDriver, credentials: Mapping[str, str], wait_seconds: float):
        self.recording = recording
        self.driver = driver
        self.credentials = credentials
        self.wait_seconds = wait_seconds
        self._url_before: str | None = None

    def _frame(self, action: RecordedAction) -> Frame | None:
        page = self.driver.page
        if action.frame is None:
            return page.main_frame
        frame = next((f for f in page.frames if action.frame.name and f.name == action.frame.name), None)
        return frame or next((f for f in page.frames if action.frame.url and action.frame.url in f.url), None)

    async def _is_new_document(self, frame: Frame) -> bool:
        try:
            return bool(await frame.evaluate(f"() => window.{OLD_DOCUMENT_MARK} === undefined"))
        except PlaywrightError:
            return False  # the frame is between documents

    async def _mark_old_document(self, navigation: RecordedAction) -> None:
        frame = self._frame(navigation)
        self._url_before = frame.url if frame is not None else None
        if frame is not None:
            with contextlib.suppress(PlaywrightError):  # already navigating: the wait sees the new document
                await frame.evaluate(f"() => {{ window.{OLD_DOCUMENT_MARK} = true; }}")

    async def _has_navigated(self, frame: Frame) -> bool:
        """A new document, or the same one at another address (a single-page app's pushState)."""
        return frame.url != self._url_before or await self._is_new_document(frame)

    async def _wait_for_page(self, action: RecordedAction, new_document: bool = False) -> str | None:
        """None when the action's frame shows the recorded page (by path), else what it shows."""
        wanted = path_pattern(action.url or "")
        deadline = time.monotonic() + self.wait_seconds
        while True:
            frame = self._frame(action)
            current = frame.url if frame is not None else None
            matches = frame is not None and current is not None and path_pattern(current) == wanted
            if matches and frame is not None and (not new_document or await self._has_navigated(frame)):
                return None
            if time.monotonic() >= deadline:
                return current or "no such frame"
            await asyncio.sleep(0.05)

    async def run(self, base_url: str | None) -> ReplayResult:
        result = ReplayResult()
        actions = self.recording.actions
        for number, action in enumerate(actions):
            following = actions[number + 1] if number + 1 < len(actions) else None
            message = await self._replay(action, following, base_url, result)
            if message is not None:
                result.divergence = Divergence(action.index, action.kind, message)
                return result
            result.actions_replayed += 1
        return result

    async def _replay(
        self, action: RecordedAction, following: RecordedAction | None, base_url: str | None, result: ReplayResult
    ) -> str | None:
        if action.kind == "goto" and action.url:
            await self.driver.goto(rebased(action.url, base_url))
            return None
        if action.kind == "navigate" and action.url:
            shown = await self._wait_for_page(action, new_document=True)
            return None if shown is None else f"expected {urlsplit(action.url).path}, the page shows {shown}"
        if action.kind not in USER_KINDS or action.element is None:
            return None
        shown = await self._wait_for_page(action)
        if shown is not None:
            return f"expected to be on {urlsplit(action.url or '').path}, the page shows {shown}"
        try:
            located = await locate(self.driver, action.element.candidates, field=element_name(action))
        except BotError as error:
            return f"{error.message}; tried {describe_all(action.element.candidates)}"
        if located.drifted:
            result.drift.append(f"#{action.index} {element_name(action)}: candidate #{located.rank}")
        if following is not None and following.kind == "navigate" and following.url:
            await self._mark_old_document(following)
        return await self._act(action, located, following)

    async def _act(self, action: RecordedAction, located: Located, following: RecordedAction | None) -> str | None:
        value = action.value or ""
        if action.credential is not None:  # checked before anything is touched
            if action.credential not in self.credentials:
                name = f"RETROFHIR_RECORDING_{action.credential.upper()}"
                return f"credential {action.credential!r} is not set (set {name})"
            value = self.credentials[action.credential]
        element = located.element
        if action.kind == "click":
            accept = following is not None and following.kind == "dialog"
            await self.driver.click(element, dialog="accept" if accept else None)
        elif action.kind in ("fill", "select"):
            if action.kind == "select":
                await self.driver.select_option(element, value)
            else:
                await self.driver.type_text(element, value)
        elif action.kind == "check":
            await self.driver.set_checked(element, action.value == "true")
        elif action.kind == "press" and action.key:
            await element.handle.press(action.key)
        elif action.kind == "field":
            seen = re.sub(r"\s+", " ", (await self.driver.read(element)).text).strip()
            if seen != (action.value or ""):
                return f"field {element_name(action)!r} reads {seen!r}; the recording saw {action.value!r}"
        return None


async def replay_recording(
    recording: Recording,
    *,
    base_url: str | None = None,
    settings: Settings | None = None,
    credentials: Mapping[str, str] | None = None,
) -> ReplayResult:
    """Replay a web recording in a fresh browser session; stops at the first divergence."""
    settings = settings or Settings()
    host = BrowserHost()
    options = LaunchOptions.for_source(settings.browser, [])
    timeouts = Timeouts()
    driver = WebDriver(host, options, base_url or recording.meta.url or "", timeouts)
    await driver.start()
    try:
        replayer = Replayer(recording, driver, credentials or recording_credentials(), timeouts.screen_seconds)
        return await replayer.run(base_url)
    finally:
        await driver.stop()
        await host.close()

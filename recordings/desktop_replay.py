"""`retrofhir replay` for desktop recordings: play the clicks, typing and marked fields back with the desktop driver.

The application is started again on a display of the driver's own; each action first waits for its window (by
title), then finds its element by the recorded candidates (OCR anchor, image template, region) and clicks, types
or reads it. The first window that does not show, element not found, or field reading another value is the
divergence. Named key presses (Enter, Escape, F-keys, ...) are pressed in their window as a flow's `press` step
would; other chords are listed as skipped.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping
from pathlib import Path

from bots.drivers.desktop import DesktopDriver
from bots.drivers.desktop_app import expand_launch
from bots.errors import BotError
from bots.locators import describe_all, locate
from bots.map_models import Timeouts, key_chord
from recordings.actions import RecordedAction, element_name
from recordings.replay import Divergence, ReplayResult, recording_credentials
from recordings.screens_seen import title_pattern
from recordings.store import Recording
from retrofhir.config import Settings


class DesktopReplayer:
    """Replays one desktop recording on one desktop driver session."""

    def __init__(self, driver: DesktopDriver, credentials: Mapping[str, str], wait_seconds: float) -> None:
        self.driver = driver
        self.credentials = credentials
        self.wait_seconds = wait_seconds

    async def run(self, recording: Recording) -> ReplayResult:
        result = ReplayResult()
        for action in recording.actions:
            message = await self._replay(action, result)
            if message is not None:
                result.divergence = Divergence(action.index, action.kind, message)
                return result
            result.actions_replayed += 1
        return result

    async def _window(self, action: RecordedAction) -> str | None:
        """None once the action's window is on top, else the title that is."""
        wanted = re.compile(title_pattern(action.title))
        deadline = time.monotonic() + self.wait_seconds
        while True:
            title = (await self.driver.signals()).title or ""
            if wanted.search(title):
                return None
            if time.monotonic() >= deadline:
                return title or "no window"
            await asyncio.sleep(0.1)

    async def _replay(self, action: RecordedAction, result: ReplayResult) -> str | None:
        if action.kind == "press":
            return await self._press(action, result)
        if action.element is None or action.kind not in ("click", "fill", "field"):
            return None
        shown = await self._window(action)
        if shown is not None:
            return f"expected the window {action.title!r}, the screen shows {shown!r}"
        value = action.value or ""
        if action.credential is not None:
            if action.credential not in self.credentials:
                return (
                    f"credential {action.credential!r} is not set (set RETROFHIR_RECORDING_{action.credential.upper()})"
                )
            value = self.credentials[action.credential]
        try:
            located = await locate(self.driver, action.element.candidates, field=element_name(action))
        except BotError as error:
            return f"{error.message}; tried {describe_all(action.element.candidates)}"
        if located.drifted:
            result.drift.append(f"#{action.index} {element_name(action)}: candidate #{located.rank}")
        if action.kind == "click":
            await self.driver.click(located.element)
        elif action.kind == "fill":
            await self.driver.type_text(located.element, value)
        else:
            seen = " ".join((await self.driver.read(located.element)).text.split())
            if seen != value:
                return f"field {element_name(action)!r} reads {seen!r}; the recording saw {value!r}"
        return None

    async def _press(self, action: RecordedAction, result: ReplayResult) -> str | None:
        try:
            chord = key_chord(action.key or "")
        except ValueError:
            result.drift.append(f"#{action.index} key {action.key} not replayed (not a named key)")
            return None
        shown = await self._window(action)
        if shown is not None:
            return f"expected the window {action.title!r}, the screen shows {shown!r}"
        await self.driver.press_key(None, chord)
        return None


async def replay_desktop_recording(
    recording: Recording, *, settings: Settings | None = None, credentials: Mapping[str, str] | None = None
) -> ReplayResult:
    """Start the recorded application afresh and replay the recording; stops at the first divergence."""
    settings = settings or Settings()
    command = expand_launch(recording.meta.launch or [], Path(settings.data_dir).resolve())
    timeouts = Timeouts()
    driver = DesktopDriver(command, timeouts, recording.folder)
    await driver.start()
    try:
        replayer = DesktopReplayer(driver, credentials or recording_credentials(), timeouts.screen_seconds)
        return await replayer.run(recording)
    finally:
        await driver.stop()

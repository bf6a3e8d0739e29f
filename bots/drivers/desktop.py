"""The desktop driver: a legacy desktop application operated through its pixels, the mouse and the keyboard only.

The driver launches the application (the screen map's `launch` command) on an Xvfb display it owns and never
touches the application's toolkit: it sees screenshots (mss, grayscale), finds elements by OCR text anchors
(Tesseract word boxes, cached by pixels), image templates (OpenCV, several scales) and fixed regions, reads
fields by OCR of their crops, and acts with xdotool on the focused window. The "screen" is the topmost window:
its title is what a person reads in its title bar.

`goto(address)` closes every window stacked above the newest window whose title matches `address` (a regular
expression): the desktop way of returning to a known place. A crashed application (process gone, or no window
for longer than the element timeout) raises AppCrashed once; the next call launches it again, at its login.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import mss
import mss.tools
import numpy as np

from bots.drivers.base import DialogAnswer, FieldText, ScreenSignals
from bots.drivers.desktop_app import DesktopApp, Window, expand_launch
from bots.drivers.desktop_fonts import glyph_sets
from bots.drivers.desktop_input import XInput
from bots.errors import AppCrashed, ConfigurationError, InputRejected, LegacyUnreachable, WriteNotVerified
from bots.glyph_reader import GlyphReader
from bots.glyph_text import find_text
from bots.locators import (
    CellLocator,
    Element,
    ImageLocator,
    Locator,
    OcrAnchorLocator,
    OcrRowsLocator,
    RegionLocator,
)
from bots.map_models import ScreenFont, Timeouts, key_chord
from bots.observer import Box
from bots.ocr import Gray, Ocr, Word, ink_box, pixel_key
from bots.screen_map import ScreenMap
from bots.vision import Column, filled_slots, find_phrase, header_columns, match_template, normalise, text_bands
from retrofhir.config import Settings

POLL_SECONDS = 0.03
HEADER_MARGIN = 3
ROW_MARGIN = 2
CELL_MARGIN = 3
CLOSE_WAIT_SECONDS = 3.0
READ_BACK_CONFIDENCE = 50.0
READ_BACK_SECONDS = 1.5
SETTLE_SECONDS = 2.0
SETTLE_POLL_SECONDS = 0.05
CLICK_EFFECT_SECONDS = 1.0
EDGE_WIDENING = 4  # pixels a field's crop grows on each side when its text touches a side
XDOTOOL_KEYS = {"Enter": "Return", "Control": "ctrl", "Alt": "alt", "Shift": "shift"} | {
    f"Arrow{way}": way for way in ("Up", "Down", "Left", "Right")
}
MASK_CHARACTERS = frozenset("*\u2022\u25cf")  # what a password field shows instead of each character


@dataclass(frozen=True)
class Target:
    """The driver's handle on a found element: the window it is in, and for grid rows the grid's columns."""

    window: Window
    columns: tuple[Column, ...] = ()
    label: Box | None = None


def clip(box: Box, bounds: Box) -> Box | None:
    left, top = max(box.x, bounds.x), max(box.y, bounds.y)
    right = min(box.x + box.width, bounds.x + bounds.width)
    bottom = min(box.y + box.height, bounds.y + bounds.height)
    if right <= left or bottom <= top:
        return None
    return Box(left, top, right - left, bottom - top)


def relative(region: tuple[int, int, int, int], origin: Box) -> Box:
    x, y, width, height = region
    return Box(origin.x + x, origin.y + y, width, height)


class DesktopDriver:
    """One desktop session: the application on its own display, seen through screenshots and OCR."""

    kind = "desktop"

    def __init__(
        self,
        command: list[str],
        timeouts: Timeouts,
        template_dir: Path,
        *,
        environment: dict[str, str] | None = None,
        display_number: int | None = None,
        fonts: list[ScreenFont] | None = None,
    ) -> None:
        self.app = DesktopApp(command, environment, display_number)
        self.timeouts = timeouts
        self.template_dir = template_dir
        self.fonts = list(fonts or [])
        self.ocr: Ocr | None = None
        self.glyphs: GlyphReader | None = None
        self._input: XInput | None = None
        self._grabber: Any = None
        self._templates: dict[str, Gray] = {}
        self._crash_reported = False
        self._windowless_since: float | None = None
        self._settled = b""

    # -- session -------------------------------------------------------------------------------------------------

    async def start(self, state: dict[str, Any] | None = None) -> None:
        self.ocr = self.ocr or Ocr()
        if self.glyphs is None and self.fonts:
            self.app.start_display()  # glyphs are drawn before the application shows any window of its own
            self.glyphs = GlyphReader(await glyph_sets(self.fonts, self.app.env))
        await self._launch()

    async def _launch(self) -> None:
        await self.app.launch(self.timeouts.navigation_seconds)
        self._input = XInput(self.app.env, self.timeouts.element_seconds)
        if self._grabber is not None:
            self._grabber.close()
        self._grabber = mss.MSS(display=self.app.display)
        self._crash_reported = False
        self._windowless_since = None

    async def stop(self) -> None:
        try:
            if self._grabber is not None:
                self._grabber.close()
                self._grabber = None
            if self.ocr is not None:
                self.ocr.close()
                self.ocr = None
        finally:
            self.app.stop()

    async def saved_state(self) -> dict[str, Any] | None:
        return None

    def _windows(self) -> list[Window]:
        """The application's windows; AppCrashed (once) when its process or every window is gone."""
        windows = self.app.windows() if self.app.alive else []
        if windows:
            self._windowless_since = None
            return windows
        now = time.monotonic()
        if self.app.alive and (self._windowless_since is None or now - self._windowless_since < self._grace()):
            self._windowless_since = self._windowless_since or now
            return []
        self._crash_reported = True
        raise AppCrashed("the desktop application's process or windows are gone")

    def _grace(self) -> float:
        return self.timeouts.element_seconds

    async def _recover(self) -> None:
        """After a crash was reported, the next use launches the application again."""
        if self._crash_reported and not (self.app.alive and self.app.windows()):
            await self._launch()

    async def _top(self) -> Window:
        await self._recover()
        deadline = time.monotonic() + self._grace() + 1
        while True:
            windows = self._windows()
            if windows:
                return windows[-1]
            if time.monotonic() > deadline:
                raise AppCrashed("the desktop application shows no window")
            await asyncio.sleep(POLL_SECONDS)

    @property
    def input(self) -> XInput:
        if self._input is None:
            raise ConfigurationError("the desktop session is not started")
        return self._input

    def _ocr(self) -> Ocr:
        if self.ocr is None:
            raise ConfigurationError("the desktop session is not started")
        return self.ocr

    # -- pixels ----------------------------------------------------------------------------------------------------

    def grab(self, box: Box) -> Gray:
        """A grayscale screenshot of one box of the screen."""
        shot = self._grabber.grab({"left": box.x, "top": box.y, "width": box.width, "height": box.height})
        pixels = np.frombuffer(shot.bgra, dtype=np.uint8).reshape(shot.height, shot.width, 4)
        return np.asarray(cv2.cvtColor(pixels, cv2.COLOR_BGRA2GRAY), dtype=np.uint8)

    def words_in(self, area: Box) -> list[Word]:
        return self._ocr().words(self.grab(area), (area.x, area.y))

    def _template(self, name: str) -> Gray:
        if name not in self._templates:
            image = cv2.imread(str(self.template_dir / name), cv2.IMREAD_GRAYSCALE)
            if image is None:
                raise ConfigurationError(f"template image {name!r} cannot be read")
            self._templates[name] = np.asarray(image, dtype=np.uint8)
        return self._templates[name]

    # -- navigation ------------------------------------------------------------------------------------------------

    async def goto(self, address: str) -> None:
        """Close the windows above the newest one whose title matches `address`; nothing if none matches."""
        await self._top()
        pattern = re.compile(address)
        deadline = time.monotonic() + self.timeouts.navigation_seconds
        while True:
            windows = self._windows()
            matching = [index for index, window in enumerate(windows) if pattern.search(window.name)]
            if not matching or matching[-1] == len(windows) - 1:
                return
            if time.monotonic() > deadline:
                raise LegacyUnreachable("windows above the requested one would not close", step="goto")
            await self._close(windows[-1])

    async def _close(self, window: Window) -> None:
        self.app.close_window(window)
        deadline = time.monotonic() + CLOSE_WAIT_SECONDS
        while any(other.id == window.id for other in self._windows()) and time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)

    async def go_back(self) -> None:
        await self._close(await self._top())

    async def signals(self) -> ScreenSignals:
        await self._recover()
        windows = self._windows()
        if not windows:
            return ScreenSignals(url=None, title=None, loading=True)
        return ScreenSignals(url=None, title=windows[-1].name)

    async def has_text(self, text: str) -> bool:
        window = await self._top()
        area = clip(window.box, self._screen())
        return area is not None and bool(find_phrase(self.words_in(area), text))

    def _screen(self) -> Box:
        return Box(0, 0, self.app.width, self.app.height)

    # -- finding ---------------------------------------------------------------------------------------------------

    async def find_all(self, locator: Locator, within: Element | None = None) -> list[Element]:
        """Every match of one locator; when there is none, once more after the window stops changing.

        A window that was just mapped may still be drawing: an empty answer is only trusted on a still window.
        """
        found = await self._find_all(locator, within)
        if found:
            return found
        await self._settle()
        return await self._find_all(locator, within)

    async def _settle(self) -> None:
        """Wait (bounded) until the top window shows the same pixels twice in a row."""
        window = await self._top()
        area = clip(window.box, self._screen())
        if area is None:
            return
        before = self.grab(area)
        if pixel_key(before) == self._settled:
            return
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            await asyncio.sleep(SETTLE_POLL_SECONDS)
            now = self.grab(area)
            if now.shape == before.shape and np.array_equal(now, before):
                self._settled = pixel_key(now)
                return
            before = now

    async def _find_all(self, locator: Locator, within: Element | None) -> list[Element]:
        window = await self._top()
        wanted = within.box if within is not None and within.box is not None else window.box
        bounds = clip(wanted, self._screen())
        if bounds is None:
            return []
        target = Target(window)
        if isinstance(locator, OcrAnchorLocator):
            return self._anchored(locator, window, bounds, target)
        if isinstance(locator, ImageLocator):
            # Templates are searched on the whole screen: a toolbar stays visible and clickable under a chart.
            bounds = bounds if within is not None else self._screen()
            template = self._template(locator.template)
            found = match_template(self.grab(bounds), template, locator.scales, locator.threshold)
            return [Element(Box(bounds.x + box.x, bounds.y + box.y, box.width, box.height), target) for box in found]
        if isinstance(locator, RegionLocator):
            box = clip(Box(bounds.x + locator.x, bounds.y + locator.y, locator.width, locator.height), bounds)
            return [Element(box, target)] if box is not None else []
        if isinstance(locator, OcrRowsLocator):
            return self._rows(locator, window, bounds)
        if isinstance(locator, CellLocator) and within is not None:
            return self._cell(locator, within)
        raise ConfigurationError(f"the desktop driver cannot find {locator.kind} locators")

    def _search_area(self, region: tuple[int, int, int, int] | None, window: Window, bounds: Box) -> Box | None:
        return clip(relative(region, window.box), bounds) if region is not None else bounds

    def _anchored(self, locator: OcrAnchorLocator, window: Window, bounds: Box, target: Target) -> list[Element]:
        area = self._search_area(locator.search_region, window, bounds)
        if area is None:
            return []
        found = []
        for anchor in self._text_boxes(area, locator.text):
            box = Box(anchor.x + locator.offset_x, anchor.y + locator.offset_y, locator.width, locator.height)
            clipped = clip(box, self._screen())
            if clipped is not None:
                found.append(Element(clipped, Target(target.window, label=anchor)))
        return found

    def _text_boxes(self, area: Box, text: str) -> list[Box]:
        """Where `text` is in the area: drawn from the map's fonts when they have it, else among OCR words."""
        pixels = self.grab(area)
        drawn = find_text(self.glyphs.glyph_sets, pixels, text) if self.glyphs is not None else None
        if drawn is not None:
            return [Box(area.x + box.x, area.y + box.y, box.width, box.height) for box in drawn]
        return find_phrase(self._ocr().words(pixels, (area.x, area.y)), text)

    def _rows(self, locator: OcrRowsLocator, window: Window, bounds: Box) -> list[Element]:
        area = self._search_area(locator.search_region, window, bounds)
        if area is None:
            return []
        words = self.words_in(area)
        headers = find_phrase(words, locator.header)
        if len(headers) != 1:
            return []
        header = headers[0]
        body = clip(
            Box(header.x + locator.offset_x, header.y + locator.offset_y, locator.width, locator.height), bounds
        )
        band = clip(
            Box(
                header.x + locator.offset_x, header.y - HEADER_MARGIN, locator.width, header.height + 2 * HEADER_MARGIN
            ),
            bounds,
        )
        if body is None or band is None:
            return []
        header_line = self._ocr().line_words(self.grab(band), (band.x, band.y))
        target = Target(window, tuple(header_columns(header_line, body.x + body.width)))
        pixels = self.grab(body)
        if locator.row_height is not None:
            return [
                Element(Box(body.x, body.y + top, body.width, bottom - top), target)
                for top, bottom in filled_slots(pixels, locator.row_height)
            ]
        return [
            Element(Box(body.x, body.y + top - ROW_MARGIN, body.width, bottom - top + 2 * ROW_MARGIN), target)
            for top, bottom in text_bands(pixels)
        ]

    def _cell(self, locator: CellLocator, row: Element) -> list[Element]:
        target: Target = row.handle
        if row.box is None:
            return []
        wanted = normalise(locator.header)
        found = [column for column in target.columns if normalise(column.heading) == wanted]
        if not found:
            found = [column for column in target.columns if normalise(column.heading).startswith(wanted)]
        return [
            Element(Box(column.left - CELL_MARGIN, row.box.y, column.right - column.left, row.box.height), target)
            for column in found[:1]
        ]

    # -- reading and acting ----------------------------------------------------------------------------------------

    async def read(self, element: Element, how: str = "auto") -> FieldText:
        await self._top()
        if element.box is None:
            return FieldText("", None)
        if self.glyphs is not None:
            matched = self._read_glyphs(element.box)
            if matched is not None:
                return matched
        value = self.grab(element.box)
        label = element.handle.label if isinstance(element.handle, Target) else None
        if label is not None and label.x + label.width <= element.box.x:
            line = self._ocr().read_labelled(self.grab(label), label.y, value, element.box.y)
        else:
            line = self._ocr().read_line(value)
        return FieldText(line.text, line.confidence)

    def _read_glyphs(self, box: Box) -> FieldText | None:
        """The field read by matching the screen map's fonts, or None (OCR decides) when they do not explain it.

        Text that touches the crop's side may be cut (a part of a glyph can pass for another glyph), so the crop is
        widened a little once; text still cut is left to OCR.
        """
        for margin in (0, EDGE_WIDENING):
            area = clip(Box(box.x - margin, box.y, box.width + 2 * margin, box.height), self._screen())
            if area is None or self.glyphs is None:
                return None
            value = self.grab(area)
            cleaned, ink = ink_box(value)
            if ink is None:
                return FieldText("", 100.0)
            x, _y, width, _height = ink
            if x == 0 or x + width == value.shape[1]:
                continue
            line = self.glyphs.read(cleaned)
            return None if line is None else FieldText(line.text, glyph_confidence(line.error))
        return None

    def _centre(self, element: Element) -> tuple[int, int]:
        if element.box is None:
            raise ConfigurationError("the element has no place on the screen")
        return element.box.x + element.box.width // 2, element.box.y + element.box.height // 2

    async def type_text(self, element: Element, text: str, *, multiline: bool = False) -> None:
        """Replace the field's contents with `text`, typed literally, then read it back (once retyped)."""
        window = await self._top()
        x, y = self._centre(element)
        for _attempt in range(2):
            await self.input.replace_text(window.id, x, y, text)
            if await self._shows(element, text):
                return
        raise WriteNotVerified("the field does not show what was typed", step="type")

    async def _shows(self, element: Element, text: str) -> bool:
        """Whether the field shows `text` (waiting a moment for the application to catch up with the keys).

        A field OCR cannot read with confidence (a masked password) passes: the engine's read-back decides.
        """
        expected = " ".join(text.split())
        deadline = time.monotonic() + READ_BACK_SECONDS
        while True:
            seen = await self.read(element)
            if seen.text == expected or masked(seen.text, text):
                return True
            if time.monotonic() > deadline:
                return seen.confidence is not None and seen.confidence < READ_BACK_CONFIDENCE
            await asyncio.sleep(POLL_SECONDS)

    async def click(self, element: Element, *, dialog: DialogAnswer | None = None) -> None:
        """Click the element, then wait (bounded) until the screen shows the click's effect and stops changing.

        A click's effect is drawn a moment later; a read right after it must not see the screen from before (a
        list's next page would read as the page already read). A click that changes nothing costs the bound.
        """
        window = await self._top()
        x, y = self._centre(element)
        area = clip(window.box, self._screen())
        before = self.grab(area) if area is not None else None
        windows_before = self.app.windows()
        await self.input.click(window.id, x, y)
        if dialog is not None:
            await self._answer_dialog(window, dialog)
        if area is not None and before is not None:
            await self._await_change(area, before, windows_before)

    async def _await_change(self, area: Box, before: Gray, windows_before: list[Window]) -> None:
        deadline = time.monotonic() + CLICK_EFFECT_SECONDS
        while time.monotonic() < deadline:
            if self.app.windows() != windows_before or not np.array_equal(self.grab(area), before):
                self._settled = b""
                await self._settle()
                return
            await asyncio.sleep(POLL_SECONDS)

    async def press_key(self, element: Element | None, key: str) -> None:
        """Press a named key or chord in the top window, after clicking `element` (if given) to focus it."""
        window = await self._top()
        if element is not None:
            await self.input.click(window.id, *self._centre(element))
        await self.input.key(window.id, "+".join(XDOTOOL_KEYS.get(part, part) for part in key_chord(key).split("+")))

    async def _answer_dialog(self, under: Window, answer: DialogAnswer) -> None:
        """If a new window appears on top within the element timeout, answer it with Enter or Escape."""
        deadline = time.monotonic() + self.timeouts.element_seconds
        while time.monotonic() < deadline:
            top = (await self._top()).id
            if top != under.id:
                await self.input.key(top, "Return" if answer == "accept" else "Escape")
                return
            await asyncio.sleep(POLL_SECONDS)

    async def select_option(self, element: Element, label: str) -> None:
        """Legacy drop-down lists that accept typing: the label is typed like any text."""
        await self.type_text(element, label)

    async def set_checked(self, element: Element, checked: bool) -> None:
        raise InputRejected("the desktop driver cannot tell whether a box is ticked", step="check")

    async def screenshot(self) -> bytes:
        screen = self._screen()
        shot = self._grabber.grab({"left": 0, "top": 0, "width": screen.width, "height": screen.height})
        return bytes(mss.tools.to_png(shot.rgb, shot.size) or b"")


def glyph_confidence(error: float) -> float:
    """A glyph match's mean squared coverage error per ink pixel as a 0-100 confidence (exact renders: ~99)."""
    return max(0.0, 100.0 - 1000.0 * error)


def masked(seen: str, typed: str) -> bool:
    """Whether `seen` is what a password field shows for `typed`: one mask character per character typed."""
    return bool(seen) and len(seen) == len(typed) and set(seen) <= MASK_CHARACTERS


def create_desktop_driver(
    screen_map: ScreenMap, settings: Settings, environment: dict[str, str] | None = None
) -> DesktopDriver:
    """The engine's factory: a driver for a desktop source, its launch command filled in from the settings."""
    source = screen_map.source
    if not source.launch:
        raise ConfigurationError("a desktop source needs a launch command", source=source.id)
    command = expand_launch(source.launch, Path(settings.data_dir).resolve())
    return DesktopDriver(
        command, source.timeouts, Path(settings.screen_maps_dir), environment=environment, fonts=source.fonts
    )

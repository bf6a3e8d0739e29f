"""Record an X11 desktop application: its real mouse and keyboard events, with screenshots and anchor crops.

The application runs on a virtual display of its own (`bots.drivers.desktop_app.DesktopApp`, the desktop driver's
launcher). The X RECORD extension reports every device event on that display, whoever produced it (a person on a
VNC viewer, or xdotool in tests), without touching the application's toolkit, so it works for Tk, GTK, Qt, Java or
Wine alike. For each click: a screenshot before and after, the element's box, its OCR label, and crops of both
(image templates). Text typed after a click becomes a fill of that element; a field whose label says password is
recorded as a credential reference. Ctrl+Alt+M marks the element under the pointer as a field.
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import mss
import mss.tools
import numpy as np
from Xlib import XK, X
from Xlib import display as xdisplay
from Xlib.ext import record
from Xlib.protocol import rq

from bots.drivers.desktop_app import DesktopApp
from bots.observer import Box
from bots.ocr import Gray, Ocr
from bots.vision import find_phrase
from recordings.actions import Box as RecordedBox
from recordings.actions import ElementInfo, RecordedAction
from recordings.desktop_anchors import (
    CLICK_BOX,
    Phrase,
    candidates,
    crop,
    element_box,
    nearest_label,
    phrases,
    value_box,
)
from recordings.desktop_events import (
    MODIFIERS,
    SPECIAL_KEYS,
    Event,
    Snapshot,
    contains_point,
    is_mark_chord,
    key_symbol,
    needs_snapshot,
    png_bytes,
    snake,
    visible_windows,
    window_at,
    window_title,
)
from recordings.desktop_session import ExistingDisplayApp
from recordings.store import RecordingMeta, RecordingWriter

SETTLE_SECONDS = 2.0
MIN_TEMPLATE_CONTRAST = 20.0
FAR_LABEL = 40


class DesktopRecorder:
    """A recording session of one desktop application; drive it through `env` (its DISPLAY)."""

    def __init__(self, command: list[str], folder: Path, name: str, display: str | None = None) -> None:
        self.app = ExistingDisplayApp(command, display) if display else DesktopApp(command)
        screen_size = (self.app.width, self.app.height)
        meta = RecordingMeta(name=name, driver="desktop", launch=command, screen_size=screen_size)
        self.writer = RecordingWriter(folder, meta)
        self.events: queue.Queue[Event] = queue.Queue()
        self.ocr = Ocr()
        self._busy = False
        self._pending: RecordedAction | None = None
        self._typed = ""
        self._pressed: tuple[int, int, Snapshot] | None = None
        self._listener: threading.Thread | None = None
        self._consumer: threading.Thread | None = None
        self._context: Any = None
        self._stopping = threading.Event()
        self.presses_seen = 0
        self._driver_ocr: Ocr | None = None

    @property
    def env(self) -> dict[str, str]:
        return self.app.env

    @property
    def actions(self) -> list[RecordedAction]:
        return self.writer.actions

    async def start(self, timeout_seconds: float = 20) -> None:
        self.app.start_display()
        self._listen()
        await self.app.launch(timeout_seconds)
        self._consumer = threading.Thread(target=self._consume, daemon=True)
        self._consumer.start()

    def stop(self) -> None:
        """Stop listening (the server hands over what is still in flight), process the rest, close everything."""
        try:
            if self._context is not None:
                control = xdisplay.Display(self.app.display)
                control.record_disable_context(self._context)
                control.flush()
                control.close()
            if self._listener is not None:
                self._listener.join(timeout=5)
            self.settle()
            self._flush()
        finally:
            self._stopping.set()
            if self._consumer is not None:
                self._consumer.join(timeout=5)
            self.ocr.close()
            if self._driver_ocr is not None:
                self._driver_ocr.close()
            self.app.stop()

    def settle(self, timeout_seconds: float = 10) -> None:
        """Wait until every event so far is processed (tests call this before looking at `actions`)."""
        deadline = time.monotonic() + timeout_seconds
        while not self.events.empty() or self._busy:
            if time.monotonic() > deadline:
                raise TimeoutError("the desktop recorder did not catch up")
            time.sleep(0.02)

    def ocr_for_tests(self) -> Ocr:
        """A second OCR engine for whoever drives the application (tesserocr handles are not shared)."""
        if self._driver_ocr is None:
            self._driver_ocr = Ocr()
        return self._driver_ocr

    def wait_for_presses(self, count: int, timeout_seconds: float = 10) -> None:
        """Wait until this many mouse-button presses were seen (and their screens captured)."""
        deadline = time.monotonic() + timeout_seconds
        while self.presses_seen < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.presses_seen} of {count} presses were seen")
            time.sleep(0.01)

    def _listen(self) -> None:
        connection = xdisplay.Display(self.app.display)
        self._context = connection.record_create_context(
            0,
            [record.AllClients],
            [
                {
                    "core_requests": (0, 0),
                    "core_replies": (0, 0),
                    "ext_requests": (0, 0, 0, 0),
                    "ext_replies": (0, 0, 0, 0),
                    "delivered_events": (0, 0),
                    "device_events": (X.KeyPress, X.ButtonRelease),
                    "errors": (0, 0),
                    "client_started": False,
                    "client_died": False,
                }
            ],
        )
        looker = xdisplay.Display(self.app.display)
        grabber: list[Any] = []

        def on_reply(reply: Any) -> None:
            if reply.category != record.FromServer or reply.client_swapped:
                return
            data = reply.data
            while data:
                event, data = rq.EventField(None).parse_binary_value(data, connection.display, None, None)
                detail = event.detail
                if event.type == X.KeyPress:
                    detail = looker.keycode_to_keysym(event.detail, 1 if event.state & X.ShiftMask else 0)
                wanted = event.type == X.ButtonPress or (
                    event.type == X.KeyPress and needs_snapshot(detail, event.state)
                )
                if not grabber and wanted:
                    grabber.append(mss.MSS(display=self.app.display))
                snapshot = self._snapshot(grabber[0], looker) if wanted else None
                self.events.put(Event(event.type, detail, event.root_x, event.root_y, event.state, snapshot))
                if event.type == X.ButtonPress:
                    self.presses_seen += 1

        def listen() -> None:
            with contextlib.suppress(Exception):  # the connection closes under it when recording stops
                connection.record_enable_context(self._context, on_reply)

        self._listener = threading.Thread(target=listen, daemon=True)
        self._listener.start()

    def _consume(self) -> None:
        while not self._stopping.is_set():
            try:
                event = self.events.get(timeout=0.1)
            except queue.Empty:
                continue
            self._busy = True
            try:
                self._handle(event)
            finally:
                self._busy = self.events.qsize() > 0

    def _snapshot(self, grabber: Any, connection: xdisplay.Display) -> Snapshot:
        shot = grabber.grab({"left": 0, "top": 0, "width": self.app.width, "height": self.app.height})
        pixels = np.frombuffer(shot.bgra, dtype=np.uint8).reshape(shot.height, shot.width, 4)
        gray = np.asarray(cv2.cvtColor(pixels, cv2.COLOR_BGRA2GRAY), dtype=np.uint8)
        png = bytes(mss.tools.to_png(shot.rgb, shot.size) or b"")
        return Snapshot(png, gray, visible_windows(connection))

    def _grab(self) -> tuple[bytes, Gray]:
        with mss.MSS(display=self.app.display) as grabber:
            shot = grabber.grab({"left": 0, "top": 0, "width": self.app.width, "height": self.app.height})
        pixels = np.frombuffer(shot.bgra, dtype=np.uint8).reshape(shot.height, shot.width, 4)
        gray = np.asarray(cv2.cvtColor(pixels, cv2.COLOR_BGRA2GRAY), dtype=np.uint8)
        return bytes(mss.tools.to_png(shot.rgb, shot.size) or b""), gray

    def _settled(self) -> bytes:
        """A screenshot once the screen stopped changing (bounded by SETTLE_SECONDS)."""
        deadline = time.monotonic() + SETTLE_SECONDS
        png, gray = self._grab()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            next_png, next_gray = self._grab()
            if np.array_equal(gray, next_gray):
                return next_png
            png, gray = next_png, next_gray
        return png

    def _handle(self, event: Event) -> None:
        if event.kind == X.ButtonPress and event.snapshot is not None:
            self._flush(event.snapshot.png)
            self._pressed = (event.x, event.y, event.snapshot)
        elif event.kind == X.ButtonRelease and self._pressed is not None:
            self._pending = self._element_action("click", *self._pressed)
            self._pressed = None
        elif event.kind == X.KeyPress:
            self._key(event)

    def _key(self, event: Event) -> None:
        keysym, state = event.detail, event.state
        symbol = key_symbol(keysym)
        if symbol in MODIFIERS:
            return
        snapshot = event.snapshot
        if is_mark_chord(keysym, state) and snapshot is not None:
            self._flush(snapshot.png)
            self._save(self._element_action("field", event.x, event.y, snapshot))
            return
        if snapshot is not None:
            self._flush(snapshot.png)
            modifiers = [m for m, mask in (("Control", X.ControlMask), ("Alt", X.Mod1Mask)) if state & mask]
            key = "+".join([*modifiers, SPECIAL_KEYS.get(symbol, symbol)])
            index = self.writer.next_index
            title = window_title(snapshot.windows, event.x, event.y)
            screenshot = self.writer.save_screenshot(index, snapshot.png)
            self._save(RecordedAction(index=index, kind="press", key=key, title=title, screenshot=screenshot))
            return
        self._typed += XK.keysym_to_string(keysym) or ""

    def _element_action(self, kind: str, x: int, y: int, snapshot: Snapshot) -> RecordedAction:
        index = self.writer.next_index
        gray, png = snapshot.gray, snapshot.png
        window = window_at(snapshot.windows, x, y) or Box(0, 0, self.app.width, self.app.height)
        words = self.ocr.words(crop(gray, window), (window.x, window.y))
        found = phrases(words)
        marked = value_box(found, x, y) if kind == "field" else None
        element = marked[0] if marked else element_box(gray, x, y)
        label = nearest_label(found, element, caption_allowed=kind == "click")
        flat = (element.width, element.height) == CLICK_BOX  # no widget edge found: a button on a same-colour face
        far = label is None or element.x - (label.box.x + label.box.width) > FAR_LABEL
        if kind == "click" and flat and far and (label is None or not contains_point(label.box, x, y)):
            label = self._caption(gray, x, y) or label
        pixels = crop(gray, element)
        crops: dict[str, str] = {}
        template = None
        if float(np.std(pixels)) >= MIN_TEMPLATE_CONTRAST:  # a flat crop would match everywhere
            template = self.writer.save_file(f"crops/{index:03d}_element.png", png_bytes(pixels))
            crops["element"] = template
        if label is not None:
            crops["anchor"] = self.writer.save_file(f"crops/{index:03d}_anchor.png", png_bytes(crop(gray, label.box)))
        info = ElementInfo(
            tag="pixels",
            label=label.text if label else None,
            nearby_text=label.text if label else None,
            suggested_name=snake(label.text) if label else f"element_{index}",
            candidates=candidates(
                label, element, window, template, unique=label is None or len(find_phrase(words, label.text)) < 2
            ),
            box=RecordedBox(x=element.x, y=element.y, width=element.width, height=element.height),
            anchor_box=RecordedBox(x=label.box.x, y=label.box.y, width=label.box.width, height=label.box.height)
            if label
            else None,
            crops=crops,
        )
        value = self.ocr.read_line(crop(gray, element)).text if kind == "field" else None
        name = info.suggested_name
        step = {"click": name} if kind == "click" else {"read": [name], "into": "record"}
        return RecordedAction(
            index=index,
            kind="click" if kind == "click" else "field",
            step=step,
            title=window_title(snapshot.windows, x, y),
            element=info,
            value=value,
            field_name=name if kind == "field" else None,
            screenshot=self.writer.save_screenshot(index, png),
        )

    def _caption(self, gray: Gray, x: int, y: int) -> Phrase | None:
        """A short caption under the pointer that page-wide OCR missed (a button's "OK"), read as one line."""
        area = Box(max(0, x - 45), max(0, y - 11), 90, 22)
        text = self.ocr.read_line(crop(gray, area)).text
        return Phrase(text, area) if re.fullmatch(r"[A-Za-z][A-Za-z .]+", text) else None

    def _flush(self, after_png: bytes | None = None) -> None:
        """Write the pending click (a fill of its element if text was typed after it); `after_png` is its effect."""
        pending, typed = self._pending, self._typed
        self._pending, self._typed = None, ""
        if pending is None:
            return
        if typed and pending.element is not None:
            name = pending.element.suggested_name
            secret = bool(re.search(r"pass(word)?|pin\b", name))
            value = None if secret else typed
            credential = "password" if secret else None
            fill = f"{{credential.{credential}}}" if credential else typed
            pending = pending.model_copy(
                update={"kind": "fill", "value": value, "credential": credential, "step": {"fill": {name: fill}}}
            )
        after_png = after_png or self._settled()
        after = self.writer.save_screenshot(pending.index, after_png, suffix="_after")
        self._save(pending.model_copy(update={"screenshot_after": after}))

    def _save(self, action: RecordedAction) -> None:
        self.writer.append(action.model_copy(update={"index": self.writer.next_index}))

"""X events and windows for the desktop recorder: key symbols, which keys are actions, what is on the screen.

Pure helpers over python-xlib values; the recorder's threads each pass their own X connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
from Xlib import XK, X
from Xlib import display as xdisplay

from bots.drivers.desktop_app import Window
from bots.observer import Box
from bots.ocr import Gray

SPECIAL_KEYS = {"Return": "Enter", "KP_Enter": "Enter", "Tab": "Tab", "Escape": "Escape"} | {
    way: f"Arrow{way}" for way in ("Up", "Down", "Left", "Right")
}  # the names a screen map's `press` step uses
MODIFIERS = {"Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R", "Super_L", "ISO_Level3_Shift"}


def key_symbol(keysym: int) -> str:
    return next((name[3:] for name in dir(XK) if name.startswith("XK_") and getattr(XK, name) == keysym), "")


def is_mark_chord(keysym: int, state: int) -> bool:
    return bool(state & X.ControlMask and state & X.Mod1Mask) and key_symbol(keysym).lower() == "m"


def needs_snapshot(keysym: int, state: int) -> bool:
    """Keys that are actions of their own (not text): Enter, Tab, Escape, function keys, control chords."""
    symbol = key_symbol(keysym)
    if symbol in MODIFIERS:
        return False
    return symbol in SPECIAL_KEYS or bool(state & (X.ControlMask | X.Mod1Mask)) or not XK.keysym_to_string(keysym)


def visible_windows(connection: xdisplay.Display) -> list[Window]:
    """Mapped, named top-level windows, bottom of the stack first (what a person sees)."""
    found = []
    try:
        for child in connection.screen().root.query_tree().children:
            if child.get_attributes().map_state != X.IsViewable:
                continue
            name = child.get_wm_name()
            if name:
                name = utf8(str(name))
                geometry = child.get_geometry()
                found.append(
                    Window(int(child.id), str(name), Box(geometry.x, geometry.y, geometry.width, geometry.height))
                )
    except Exception:  # a window closing while we look is normal
        return found
    return found


def contains_point(box: Box, x: int, y: int) -> bool:
    return box.x - 30 <= x <= box.x + box.width + 30 and box.y - 8 <= y <= box.y + box.height + 8


def utf8(text: str) -> str:
    """Window names arrive as Latin-1 decoded bytes; Tk and most toolkits wrote UTF-8."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def window_at(windows: list[Window], x: int, y: int) -> Box | None:
    inside = [w.box for w in windows if w.box.x <= x < w.box.x + w.box.width and w.box.y <= y < w.box.y + w.box.height]
    return inside[-1] if inside else None


def window_title(windows: list[Window], x: int, y: int) -> str | None:
    inside = [w for w in windows if w.box.x <= x < w.box.x + w.box.width and w.box.y <= y < w.box.y + w.box.height]
    chosen = inside or windows
    return chosen[-1].name if chosen else None


def png_bytes(gray: Gray) -> bytes:
    ok, encoded = cv2.imencode(".png", gray)
    return bytes(encoded) if ok else b""


@dataclass(frozen=True)
class Snapshot:
    """The screen at the moment of an event: PNG, grayscale pixels and the windows, bottom of the stack first."""

    png: bytes
    gray: Gray
    windows: list[Window]


@dataclass(frozen=True)
class Event:
    kind: int
    detail: int
    x: int
    y: int
    state: int
    snapshot: Snapshot | None


def snake(text: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40]
    return name if name and name[0].isalpha() else f"element_{name}" if name else "element"

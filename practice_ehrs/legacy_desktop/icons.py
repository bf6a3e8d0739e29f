"""Small toolbar and dialog icons drawn with PIL, in the flat 16-colour style of old Windows software.

The toolbar shows these icons with no text at all, so a bot can find those buttons only by their pixels.
"""

from __future__ import annotations

import base64
import io
import tkinter as tk
from collections.abc import Callable

from PIL import Image, ImageDraw

SIZE = 20
Draw = ImageDraw.ImageDraw


def _magnifier(draw: Draw) -> None:
    draw.ellipse((2, 2, 12, 12), outline="#000080", width=2, fill="#c0e0ff")
    draw.line((11, 11, 17, 17), fill="#804000", width=3)


def _new_patient(draw: Draw) -> None:
    draw.ellipse((4, 2, 10, 8), fill="#f0c090", outline="#000000")
    draw.rectangle((2, 9, 12, 17), fill="#0000a0", outline="#000000")
    draw.rectangle((14, 9, 16, 17), fill="#008000")
    draw.rectangle((11, 12, 19, 14), fill="#008000")


def _pencil(draw: Draw) -> None:
    draw.polygon([(3, 17), (4, 13), (14, 3), (17, 6), (7, 16)], fill="#ffd800", outline="#000000")
    draw.polygon([(3, 17), (4, 13), (7, 16)], fill="#f0c090", outline="#000000")
    draw.line((13, 4, 16, 7), fill="#c00000", width=2)


def _thermometer(draw: Draw) -> None:
    draw.rounded_rectangle((8, 2, 12, 14), radius=2, fill="#ffffff", outline="#000000")
    draw.ellipse((6, 12, 14, 19), fill="#e00000", outline="#000000")
    draw.rectangle((9, 7, 11, 14), fill="#e00000")


def _warning(draw: Draw) -> None:
    draw.polygon([(10, 2), (18, 17), (2, 17)], fill="#ffd800", outline="#000000")
    draw.rectangle((9, 7, 11, 12), fill="#000000")
    draw.rectangle((9, 14, 11, 15), fill="#000000")


def _clipboard(draw: Draw) -> None:
    draw.rectangle((3, 3, 16, 18), fill="#a06020", outline="#000000")
    draw.rectangle((5, 5, 14, 16), fill="#ffffff")
    draw.rectangle((7, 1, 12, 4), fill="#c0c0c0", outline="#000000")
    for y in (8, 11, 14):
        draw.line((6, y, 13, y), fill="#000080")


def _refresh(draw: Draw) -> None:
    draw.arc((3, 3, 17, 17), start=20, end=320, fill="#008000", width=3)
    draw.polygon([(13, 1), (19, 6), (12, 8)], fill="#008000")


def _help(draw: Draw) -> None:
    draw.ellipse((2, 2, 18, 18), fill="#ffffff", outline="#000080", width=2)
    draw.arc((6, 5, 14, 12), start=180, end=90, fill="#000080", width=2)
    draw.line((10, 12, 10, 13), fill="#000080", width=2)
    draw.rectangle((9, 15, 11, 16), fill="#000080")


def _log_off(draw: Draw) -> None:
    draw.rectangle((4, 2, 14, 18), fill="#a06020", outline="#000000")
    draw.rectangle((6, 4, 12, 16), fill="#603010")
    draw.rectangle((10, 9, 11, 11), fill="#ffd800")


def _information(draw: Draw) -> None:
    draw.ellipse((1, 1, 19, 19), fill="#ffffff", outline="#000080", width=2)
    draw.rectangle((9, 4, 11, 6), fill="#000080")
    draw.rectangle((9, 8, 11, 15), fill="#000080")


def _error(draw: Draw) -> None:
    draw.ellipse((1, 1, 19, 19), fill="#e00000", outline="#800000")
    draw.line((6, 6, 14, 14), fill="#ffffff", width=3)
    draw.line((14, 6, 6, 14), fill="#ffffff", width=3)


def _application(draw: Draw) -> None:
    draw.rectangle((1, 1, 19, 19), fill="#ffffff", outline="#000080")
    draw.rectangle((8, 3, 12, 17), fill="#c00000")
    draw.rectangle((3, 8, 17, 12), fill="#c00000")


PAINTERS: dict[str, Callable[[Draw], None]] = {
    "search": _magnifier,
    "register": _new_patient,
    "edit": _pencil,
    "vitals": _thermometer,
    "allergy": _warning,
    "problem": _clipboard,
    "refresh": _refresh,
    "help": _help,
    "log_off": _log_off,
    "information": _information,
    "error": _error,
    "application": _application,
}


def icon_image(name: str, scale: int = 1) -> Image.Image:
    """The icon `name` as an RGBA image (`scale` times its 20x20 size, nearest-neighbour, as old UIs did)."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    PAINTERS[name](ImageDraw.Draw(image))
    if scale != 1:
        image = image.resize((SIZE * scale, SIZE * scale), Image.Resampling.NEAREST)
    return image


def icon_photo(master: tk.Misc, name: str, scale: int = 1) -> tk.PhotoImage:
    """The icon `name` as a Tk image (PNG data, which Tk 8.6 reads natively)."""
    buffer = io.BytesIO()
    icon_image(name, scale).save(buffer, format="PNG")
    return tk.PhotoImage(master=master, data=base64.b64encode(buffer.getvalue()).decode("ascii"))

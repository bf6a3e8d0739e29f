"""Render a font's glyphs on an X display, as the display's own text rasteriser draws them, for the glyph reader.

Run as a script (`python glyph_render.py OUT.npz FAMILY PIXELS CHARACTERS`) with DISPLAY set to the display the
legacy application is on: it draws every character once on a Tk canvas (Xft: the same fontconfig hinting and
anti-aliasing any X application gets), screenshots its own window and saves, per character, the cell it was drawn
in (pen at column `pad`, top of the line at row 0), its advance, and the font's ascent and line height.
Only the standard library, numpy and mss are imported, so the script starts fast and needs no project imports.
"""

from __future__ import annotations

import sys
import time
import tkinter as tk
from tkinter import font as tkfont

import mss
import numpy as np
import numpy.typing as npt

COLUMNS = 32  # characters per row of the canvas, fewer when the screen is narrower
DRAW_SECONDS = 10.0
POLL_SECONDS = 0.02
POINTS = 10  # Tk sizes fonts in points; `tk scaling` (pixels per point) is set so that POINTS come out at PIXELS


def render(out: str, family: str, pixels: float, characters: str) -> None:
    root = tk.Tk()
    root.overrideredirect(True)
    root.tk.call("tk", "scaling", pixels / POINTS)
    font = tkfont.Font(root, family=family, size=POINTS)
    drawn_family = str(font.actual("family"))
    if drawn_family.casefold() != family.casefold():
        root.destroy()
        raise SystemExit(f"font family {family!r} is not installed (Tk would draw {drawn_family!r})")
    ascent, line_height = int(font.metrics("ascent")), int(font.metrics("linespace"))
    advances = [int(font.measure(character)) for character in characters]
    pad = line_height
    cell_width = max(advances) + 2 * pad
    cell_height = line_height + 2
    columns = max(1, min(COLUMNS, int(root.winfo_screenwidth()) // cell_width))
    rows = -(-len(characters) // columns)
    width, height = columns * cell_width, rows * cell_height
    root.geometry(f"{width}x{height}+0+0")
    canvas = tk.Canvas(root, width=width, height=height, background="#ffffff", highlightthickness=0, borderwidth=0)
    canvas.place(x=0, y=0)
    for index, character in enumerate(characters):
        row, column = divmod(index, columns)
        canvas.create_text(
            column * cell_width + pad, row * cell_height, text=character, font=font, anchor="nw", fill="#000000"
        )
    gray = _drawn(root, canvas, width, height)
    cells = np.zeros((len(characters), line_height, cell_width), dtype=np.uint8)
    for index in range(len(characters)):
        row, column = divmod(index, columns)
        top_row, left_column = row * cell_height, column * cell_width
        cells[index] = gray[top_row : top_row + line_height, left_column : left_column + cell_width].round()
    root.destroy()
    np.savez(
        out,
        cells=cells,
        advances=np.array(advances, dtype=np.int32),
        characters=np.array(list(characters)),
        metrics=np.array([ascent, line_height, pad], dtype=np.int32),
    )


def _drawn(root: tk.Tk, canvas: tk.Canvas, width: int, height: int) -> npt.NDArray[np.float64]:
    """The canvas's pixels (grayscale) once it is on the screen and two screenshots in a row agree."""
    deadline = time.monotonic() + DRAW_SECONDS
    previous: npt.NDArray[np.float64] | None = None
    with mss.MSS() as grabber:
        while True:
            root.update()
            area = {"left": canvas.winfo_rootx(), "top": canvas.winfo_rooty(), "width": width, "height": height}
            shot = grabber.grab(area)
            gray = np.asarray(np.frombuffer(shot.bgra, dtype=np.uint8).reshape(height, width, 4)[:, :, :3].mean(axis=2))
            drawn = canvas.winfo_viewable() and float(gray.max()) == 255.0
            if drawn and previous is not None and np.array_equal(gray, previous):
                return gray
            if time.monotonic() > deadline:
                raise SystemExit("the glyph canvas was never drawn")
            previous = gray if drawn else None
            time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    render(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4])

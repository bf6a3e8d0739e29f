"""Glyph matching against text a real X display draws: glyphs rendered by the real script, lines drawn by real Tk."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bots.drivers.xvfb import VirtualDisplay
from bots.glyph_reader import LATIN_1, GlyphReader, GlyphSet, coverage_of, read_line
from bots.ocr import Gray, ink_box

pytestmark = pytest.mark.desktop

RENDER_SCRIPT = Path(__file__).resolve().parents[2] / "bots" / "glyph_render.py"
PIXELS = 10.6664  # the practice desktop EHR's version 1: 8 pt at 1.3333 pixels per point
LINES = [
    "Müller-O'Brien",
    "Zoë Ångström",
    "12 5th Ave",
    "I10 Il1| lI",
    "a b",  # DejaVu's space at this size is 3 pixels wide
    "(608) 230-6378",
    "a<b> José 98.6°F {x} 100%",
]
# Draws each line as a white label at a known place, then prints its box (x y width height) per line.
DRAW_LINES = """
import sys, tkinter as tk
from tkinter import font as tkfont
root = tk.Tk()
root.overrideredirect(True)
root.geometry("+0+0")
root.tk.call("tk", "scaling", float(sys.argv[1]) / 10)
font = tkfont.Font(root, family=sys.argv[2], size=10)
labels = [tk.Label(root, text=line, font=font, background="#ffffff", padx=4, pady=3) for line in sys.argv[3:]]
for label in labels:
    label.pack(anchor="w", pady=2)
root.update()
for label in labels:
    print(label.winfo_rootx(), label.winfo_rooty(), label.winfo_width(), label.winfo_height(), flush=True)
sys.stdin.readline()
"""


@pytest.fixture(scope="module")
def display() -> Iterator[VirtualDisplay]:
    with VirtualDisplay(1024, 768) as virtual:
        yield virtual


@pytest.fixture(scope="module")
def glyphs(display: VirtualDisplay, tmp_path_factory: pytest.TempPathFactory) -> GlyphSet:
    out = tmp_path_factory.mktemp("glyphs") / "dejavu.npz"
    subprocess.run(
        [sys.executable, str(RENDER_SCRIPT), str(out), "DejaVu Sans", repr(PIXELS), LATIN_1],
        env=display.env,
        check=True,
        timeout=60,
    )
    return GlyphSet.load(out, "DejaVu Sans")


def drawn_lines(display: VirtualDisplay, family: str, lines: list[str]) -> list[Gray]:
    """Each line as Tk draws it on the display, cut out of a screenshot (white ground, label padding kept)."""
    import mss

    process = subprocess.Popen(
        [sys.executable, "-c", DRAW_LINES, repr(PIXELS), family, *lines],
        env=display.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdin is not None
        boxes = [tuple(int(part) for part in process.stdout.readline().split()) for _ in lines]
        crops = []
        with mss.MSS(display=display.display) as grabber:
            for x, y, width, height in boxes:
                shot = grabber.grab({"left": x, "top": y, "width": width, "height": height})
                pixels = np.frombuffer(shot.bgra, dtype=np.uint8).reshape(height, width, 4)
                crops.append(np.asarray(pixels[:, :, :3].mean(axis=2).round(), dtype=np.uint8))
        process.stdin.write("done\n")
        process.stdin.flush()
    finally:
        process.wait(timeout=10)
    return crops


def test_lines_drawn_in_the_font_read_exactly(display: VirtualDisplay, glyphs: GlyphSet) -> None:
    reader = GlyphReader([glyphs])
    for text, crop in zip(LINES, drawn_lines(display, "DejaVu Sans", LINES), strict=True):
        line = reader.read(crop)
        assert line is not None, text
        assert line.text == text
        assert line.error < 0.005


def test_text_in_another_font_is_left_to_ocr(display: VirtualDisplay, glyphs: GlyphSet) -> None:
    reader = GlyphReader([glyphs])
    crops = drawn_lines(display, "DejaVu Serif", ["Smith", "03/14/1958"])
    assert [reader.read(crop) for crop in crops] == [None, None]


def test_a_blank_field_reads_empty(glyphs: GlyphSet) -> None:
    line = GlyphReader([glyphs]).read(np.full((15, 80), 255, dtype=np.uint8))
    assert line is not None
    assert line.text == ""


def test_a_line_composed_from_the_glyphs_reads_back_and_a_wider_set_is_tried_next(glyphs: GlyphSet) -> None:
    text = "Ærø 7°"
    pen, height = 6, glyphs.line_height
    cover = np.zeros((height + 4, 80), dtype=np.float32)
    for character in text:
        index = glyphs.characters.index(character)
        left = pen - glyphs.pad
        window = cover[2 : 2 + height, left : left + glyphs.cell_width]
        window[:] = 1.0 - (1.0 - window) * (1.0 - glyphs.cells[index])
        pen += int(glyphs.advances[index])
    gray = np.asarray(np.round(255 * (1.0 - cover)), dtype=np.uint8)
    found = read_line(glyphs, coverage_of(ink_box(gray)[0]))
    assert found is not None
    assert found.text == text
    ascii_only = slice(0, 96)
    narrow = GlyphSet(
        glyphs.characters[ascii_only], glyphs.cells[ascii_only], glyphs.advances[ascii_only], glyphs.ascent, glyphs.pad
    )
    reader = GlyphReader([narrow, glyphs])
    line = reader.read(gray)
    assert line is not None
    assert line.text == text
    assert reader.glyph_sets[0] is glyphs

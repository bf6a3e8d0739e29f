"""Finding a known text by drawing it from the font's glyphs, on lines a real Tk draws on a real Xvfb."""

from __future__ import annotations

import numpy as np
import pytest

from bots.drivers.xvfb import VirtualDisplay
from bots.glyph_reader import GlyphSet
from bots.glyph_text import compose, find_text
from tests.bots.test_glyph_reader import display, drawn_lines, glyphs

pytestmark = pytest.mark.desktop

__all__ = ["display", "glyphs"]  # module fixtures shared with the glyph reader's tests


def test_a_label_is_found_as_a_whole_word_only(display: VirtualDisplay, glyphs: GlyphSet) -> None:
    name, surname, both = drawn_lines(display, "DejaVu Sans", ["Last Name:", "Surname:", "Name: Name:"])
    found = find_text([glyphs], name, "Name:")
    assert found is not None
    assert len(found) == 1
    assert found[0].x > 20  # "Last " comes first
    assert find_text([glyphs], surname, "name:") is None  # inside a longer word: no match
    twice = find_text([glyphs], both, "Name:")
    assert twice is not None
    assert len(twice) == 2


def test_text_the_font_cannot_draw_or_does_not_show_is_left_to_ocr(display: VirtualDisplay, glyphs: GlyphSet) -> None:
    (line,) = drawn_lines(display, "DejaVu Sans", ["City:"])
    assert compose(glyphs, "\u4e2d") is None
    assert find_text([glyphs], line, "\u4e2d") is None
    assert find_text([glyphs], line, "Town:") is None
    assert find_text([glyphs], np.full((20, 60), 212, dtype=np.uint8), "City:") is None

"""Find a known text (a field's label, a button's caption) on the screen by drawing it from a font's glyphs.

The text is composed from the glyph set exactly as the display draws it (glyph by glyph at whole-pixel pens) and
searched for by template matching on ink coverage: where it matches nearly exactly, with blank columns on both
sides (a whole word, not the inside of a longer one), the text is there. Exact and fast where the font is known;
the caller falls back to OCR words where it is not.
"""

from __future__ import annotations

import cv2
import numpy as np

from bots.glyph_reader import PIXEL_TOLERANCE, Coverage, GlyphSet, coverage_of
from bots.observer import Box
from bots.ocr import Gray

WORD_GAP = 2  # blank columns a match needs on each side: letters of one word sit closer than a space
SOLID = 0.35  # rows of solid ink give the box's top and height, as OCR's binarised word boxes do


def compose(glyphs: GlyphSet, text: str) -> Coverage | None:
    """`text` drawn from the glyphs and cut to its ink, or None when a character is not in the set."""
    indices = []
    for character in text:
        if character not in glyphs.characters:
            return None
        indices.append(glyphs.characters.index(character))
    width = glyphs.cell_width + int(sum(int(glyphs.advances[index]) for index in indices))
    canvas = np.zeros((glyphs.line_height, width), dtype=np.float32)
    pen = glyphs.pad
    for index in indices:
        window = canvas[:, pen - glyphs.pad : pen - glyphs.pad + glyphs.cell_width]
        window[:] = 1.0 - (1.0 - window) * (1.0 - glyphs.cells[index])
        pen += int(glyphs.advances[index])
    rows = np.flatnonzero(canvas.any(axis=1))
    columns = np.flatnonzero(canvas.any(axis=0))
    if rows.size == 0:
        return None
    return np.ascontiguousarray(canvas[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1])


def find_text(glyph_sets: list[GlyphSet], gray: Gray, text: str) -> list[Box] | None:
    """Boxes (in `gray`'s pixels, best first) where `text` is drawn in one of the fonts, or None (OCR may look)."""
    area = coverage_of(gray)
    for glyphs in glyph_sets:
        template = compose(glyphs, text)
        if template is None:
            continue
        height, width = template.shape
        if height > area.shape[0] or width > area.shape[1]:
            continue
        errors = cv2.matchTemplate(area, template, cv2.TM_SQDIFF)
        limit = PIXEL_TOLERANCE * float(np.count_nonzero(template))
        # Left edge: the faintest ink, never right of where OCR's box would start (a field box offset from it
        # then never cuts its text's first pixels); top and height: the solid rows, as OCR's box has them.
        solid_rows = np.flatnonzero((template >= SOLID).any(axis=1))
        top, solid_height = int(solid_rows[0]), int(solid_rows[-1]) + 1 - int(solid_rows[0])
        ys, xs = np.nonzero(errors <= limit)
        found: list[Box] = []
        for _error, y, x in sorted(zip(errors[ys, xs].tolist(), ys.tolist(), xs.tolist(), strict=True)):
            near = any(abs(box.x - x) < width and abs(box.y - top - y) < height for box in found)
            if not near and _alone(area, x, y, width, height):
                found.append(Box(x, y + top, width, solid_height))
        if found:
            return found
    return None


def _alone(area: Coverage, x: int, y: int, width: int, height: int) -> bool:
    """Whether the columns just left and right of a match are blank over its rows (a whole word or phrase)."""
    band = area[y : y + height]
    left = band[:, max(0, x - WORD_GAP) : x]
    right = band[:, x + width : x + width + WORD_GAP]
    return not left.any() and not right.any()

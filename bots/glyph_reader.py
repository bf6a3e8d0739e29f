"""Read a line of text by matching the application's own glyphs, as a fixed-font legacy screen allows.

A `GlyphSet` holds every character of one font at one size as the display draws it (see `glyph_render.py`): its
coverage image (0 = background, 1 = solid ink) with the pen at column `pad`, and its advance. X draws a line of
text glyph by glyph at whole-pixel pen positions, compositing coverage (1 - (1 - a)(1 - b) where glyphs touch), so
a line is explained exactly by a sequence of glyphs. `read` searches for that sequence left to right: each step
places every glyph at the current pen, scores the columns no later glyph can reach any more, and keeps only the
paths that still match nearly exactly. The best complete path is the text; when no path explains the pixels (a
different font, a cut-off field, a character outside the set) the answer is None and the caller falls back to OCR.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bots.ocr import Gray

Coverage = npt.NDArray[np.float32]
FAINT = 0.04  # coverage below this is ground (the faintest anti-aliasing still tells I from l)
STEP_TOLERANCE = 0.35  # summed squared coverage error one glyph may leave (exact renders leave ~0.01)
PIXEL_TOLERANCE = 0.02  # mean squared coverage error per ink pixel of the whole line
PATHS_PER_PEN = 3
LATIN_1 = " " + "".join(chr(code) for code in [*range(0x21, 0x7F), *range(0xA1, 0x100)] if code != 0xAD)


def coverage_of(gray: Gray) -> Coverage:
    """Ink coverage of a crop of dark text on a light ground (0 ground, 1 solid ink), faint values cleared."""
    ground = float(np.median(gray))
    if ground <= 0:
        return np.zeros(gray.shape, dtype=np.float32)
    cover = np.clip((ground - gray.astype(np.float32)) / ground, 0.0, 1.0)
    cover[cover < FAINT] = 0.0
    return np.asarray(cover, dtype=np.float32)


@dataclass(frozen=True)
class GlyphSet:
    """One font at one size: every character's coverage cell (pen at column `pad`) and advance."""

    characters: tuple[str, ...]
    cells: Coverage  # (glyphs, line height, cell width)
    advances: npt.NDArray[np.int32]
    ascent: int
    pad: int
    name: str = ""

    @classmethod
    def load(cls, path: Path, name: str = "") -> GlyphSet:
        """A glyph set saved by `glyph_render.py`."""
        with np.load(path) as saved:
            cells = np.stack([coverage_from_white(cell) for cell in saved["cells"]])
            ascent, _line_height, pad = (int(value) for value in saved["metrics"])
            inked = np.flatnonzero(np.asarray(cells > 0).any(axis=(0, 1)))
            left = max(0, min(int(inked[0]), pad) - 1)
            right = max(int(inked[-1]) + 2, pad + int(np.max(saved["advances"])) + 1)
            cells, pad = np.ascontiguousarray(cells[:, :, left:right]), pad - left
            return cls(
                tuple(str(character) for character in saved["characters"]),
                cells,
                np.asarray(saved["advances"], dtype=np.int32),
                ascent,
                pad,
                name,
            )

    @cached_property
    def ink_columns(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Each glyph's first and last ink column in its cell (-1 for a glyph without ink, such as the space)."""
        inked: npt.NDArray[np.bool_] = np.any(self.cells > 0, axis=1)
        has_ink = np.any(inked, axis=1)
        lefts = np.where(has_ink, inked.argmax(axis=1), -1)
        rights = np.where(has_ink, self.cell_width - 1 - inked[:, ::-1].argmax(axis=1), -1)
        return lefts, rights

    @cached_property
    def lookback(self) -> int:
        """How far left of its pen any glyph draws: columns that far back may still change."""
        lefts, _rights = self.ink_columns
        return max(0, self.pad - int(lefts[lefts >= 0].min(initial=self.pad)))

    @property
    def line_height(self) -> int:
        return int(self.cells.shape[1])

    @property
    def cell_width(self) -> int:
        return int(self.cells.shape[2])


def coverage_from_white(cell: Gray) -> Coverage:
    """Coverage of black text rendered on pure white."""
    cover = (255.0 - cell.astype(np.float32)) / 255.0
    cover[cover < FAINT] = 0.0
    return np.asarray(cover, dtype=np.float32)


@dataclass
class _Path:
    text: str
    pen: int
    canvas: Coverage  # (line height, padded width): what the glyphs so far draw
    final_error: float  # squared error over the columns left of pen - lookback, which no later glyph reaches
    ink_right: int


@dataclass(frozen=True)
class GlyphLine:
    """A line read by glyph matching, with its mean squared coverage error per ink pixel."""

    text: str
    error: float


class GlyphReader:
    """Reads single lines of text drawn in one of its glyph sets."""

    def __init__(self, glyph_sets: list[GlyphSet]) -> None:
        self.glyph_sets = list(glyph_sets)

    def read(self, gray: Gray) -> GlyphLine | None:
        """The crop's text (dark on light, one line), or None when no glyph set explains its pixels."""
        target = coverage_of(gray)
        if not target.any():
            return GlyphLine("", 0.0)
        for index, glyphs in enumerate(self.glyph_sets):
            found = read_line(glyphs, target)
            if found is not None:
                if index:  # the set that matched is tried first next time: a screen keeps its font
                    self.glyph_sets.insert(0, self.glyph_sets.pop(index))
                return found
        return None


def read_line(glyphs: GlyphSet, target: Coverage) -> GlyphLine | None:
    """The best glyph sequence explaining `target`'s ink, or None when none explains it nearly exactly."""
    rows = np.flatnonzero(target.any(axis=1))
    columns = np.flatnonzero(target.any(axis=0))
    first_row, last_row = int(rows[0]), int(rows[-1])
    height = glyphs.line_height
    if last_row - first_row >= height:
        return None
    margin = 2 * glyphs.cell_width
    padded = np.zeros((target.shape[0] + 2 * height, target.shape[1] + 2 * margin), dtype=np.float32)
    padded[height : height + target.shape[0], margin : margin + target.shape[1]] = target
    first_column, last_column = int(columns[0]) + margin, int(columns[-1]) + margin
    ink_pixels = int(np.count_nonzero(target))
    best: GlyphLine | None = None
    tops = list(range(last_row + 1, first_row + height + 1))
    for top, starts in zip(tops, _starts(glyphs, padded, tops, first_column), strict=True):
        band = padded[top : top + height]
        if not starts or float(np.square(padded).sum() - np.square(band).sum()) > STEP_TOLERANCE:
            continue  # no first glyph fits, or ink above or below the glyph cells at this vertical placement
        found = _search(glyphs, band, starts, last_column)
        if found is not None:
            line = GlyphLine(found.text, found.final_error / ink_pixels)
            if best is None or line.error < best.error:
                best = line
    if best is None or best.error > PIXEL_TOLERANCE:
        return None
    return best


def _search(glyphs: GlyphSet, band: Coverage, starts: list[_Path], last_column: int) -> _Path | None:
    """Left to right over pen positions, keeping the few best near-exact paths at each pen."""
    frontier: dict[int, list[_Path]] = {}
    for path in starts:
        frontier.setdefault(path.pen, []).append(path)
    complete: list[_Path] = []
    while frontier:
        pen = min(frontier)
        paths = sorted(frontier.pop(pen), key=lambda path: path.final_error)[:PATHS_PER_PEN]
        for path in paths:
            if path.ink_right >= last_column:
                complete.append(_finished(path, band))
                continue
            if path.pen - glyphs.lookback > last_column:
                continue  # past the last ink without reaching it: some ink there was left unexplained
            for extended in _extend(glyphs, band, path):
                frontier.setdefault(extended.pen, []).append(extended)
    if not complete:
        return None
    return min(complete, key=lambda path: path.final_error)


def _windows(glyphs: GlyphSet, canvas: Coverage, pen: int) -> tuple[Coverage, slice]:
    left = pen - glyphs.pad
    span = slice(left, left + glyphs.cell_width)
    return canvas[:, span], span


def _candidates(
    glyphs: GlyphSet, band: Coverage, canvas: Coverage, pen: int, score_from: int
) -> tuple[Coverage, npt.NDArray[np.float32]]:
    """Every glyph composited at `pen` onto the canvas, and each one's error over the columns it finalises."""
    drawn, span = _windows(glyphs, canvas, pen)
    wanted = band[:, span]
    composed = np.asarray(1.0 - (1.0 - drawn)[None] * (1.0 - glyphs.cells), dtype=np.float32)
    column_errors = np.square(composed - wanted[None]).sum(axis=1)  # (glyphs, cell width)
    cell_columns = np.arange(glyphs.cell_width)[None, :] + span.start
    finalised_to = pen + glyphs.advances[:, None] - glyphs.lookback
    scored = (cell_columns >= score_from) & (cell_columns < finalised_to)
    return composed, np.asarray((column_errors * scored).sum(axis=1), dtype=np.float32)


def _starts(glyphs: GlyphSet, padded: Coverage, tops: list[int], first_column: int) -> list[list[_Path]]:
    """First glyphs for each vertical placement: each glyph placed so that its ink starts at the first ink column.

    A glyph's first ink column alone must already match the line's first ink column, which rules out most
    (vertical placement, glyph) pairs cheaply; the survivors are compared over every column they finalise.
    """
    lefts, rights = glyphs.ink_columns
    inked = np.flatnonzero(lefts >= 0)
    height, width = glyphs.line_height, glyphs.cell_width
    rows = np.array(tops)[:, None] + np.arange(height)[None, :]  # (tops, line height)
    first_columns = glyphs.cells[inked, :, lefts[inked]]  # (glyphs, line height)
    column_errors = np.square(padded[rows, first_column][:, None, :] - first_columns[None]).sum(axis=2)
    top_indices, positions = np.nonzero(column_errors <= STEP_TOLERANCE)
    indices = inked[positions]
    pens = first_column - (lefts[indices] - glyphs.pad)
    starts = pens - glyphs.pad
    windows = np.lib.stride_tricks.sliding_window_view(padded, (height, width))
    gathered = windows[np.array(tops)[top_indices], starts]  # (pairs, line height, cell width)
    scored = np.arange(width)[None, :] < (glyphs.pad + glyphs.advances[indices] - glyphs.lookback)[:, None]
    errors = (np.square(glyphs.cells[indices] - gathered).sum(axis=1) * scored).sum(axis=1)
    found: list[list[_Path]] = [[] for _ in tops]
    for pair in np.flatnonzero(errors <= STEP_TOLERANCE).tolist():
        index, start = int(indices[pair]), int(starts[pair])
        canvas = np.zeros((height, padded.shape[1]), dtype=np.float32)
        canvas[:, start : start + width] = glyphs.cells[index]
        pen = int(pens[pair]) + int(glyphs.advances[index])
        path = _Path(glyphs.characters[index], pen, canvas, float(errors[pair]), start + int(rights[index]))
        found[int(top_indices[pair])].append(path)
    return found


def _extend(glyphs: GlyphSet, band: Coverage, path: _Path) -> list[_Path]:
    score_from = path.pen - glyphs.lookback
    composed, errors = _candidates(glyphs, band, path.canvas, path.pen, score_from)
    _lefts, rights = glyphs.ink_columns
    start = path.pen - glyphs.pad
    extended = []
    for index in np.flatnonzero(errors <= STEP_TOLERANCE).tolist():
        canvas = path.canvas.copy()
        canvas[:, start : start + glyphs.cell_width] = composed[index]
        right = max(path.ink_right, start + int(rights[index])) if rights[index] >= 0 else path.ink_right
        text = path.text + glyphs.characters[index]
        pen = path.pen + int(glyphs.advances[index])
        extended.append(_Path(text, pen, canvas, path.final_error + float(errors[index]), right))
    return extended


def _finished(path: _Path, band: Coverage) -> _Path:
    """The path with every column scored (the columns right of its pen included)."""
    return _Path(
        path.text.rstrip(" "),
        path.pen,
        path.canvas,
        float(np.square(path.canvas - band).sum()),
        path.ink_right,
    )

"""Pure pixel and word geometry for desktop bots: phrases among OCR words, templates, grid rows and columns.

Nothing here touches a display: functions take grayscale images or OCR words and return boxes, so they can be
tested on any image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from bots.observer import Box
from bots.ocr import Gray, Word

ROW_CONTRAST = 40
COLUMN_GAP_FACTOR = 1.2
EDGE_COLUMNS = 4  # a list's own border runs down its sides: not a row's content
SEPARATOR_NOISE = "|[]\\!"  # how the line between two column headings reads when OCR joins it to a heading


def normalise(text: str) -> str:
    """What OCR reliably gets right: case-folded, without spaces and without trailing punctuation.

    A label's colon often reads as a full stop ("BP:" as "BP."), so trailing `:.;,` are all dropped.
    """
    return re.sub(r"\s+", "", text).casefold().rstrip(":.;,")


def union(boxes: list[Box]) -> Box:
    left = min(box.x for box in boxes)
    top = min(box.y for box in boxes)
    right = max(box.x + box.width for box in boxes)
    bottom = max(box.y + box.height for box in boxes)
    return Box(left, top, right - left, bottom - top)


def find_phrase(words: list[Word], phrase: str) -> list[Box]:
    """Boxes of every run of consecutive words on one line that reads as `phrase` (see `normalise`)."""
    wanted = normalise(phrase)
    found: list[Box] = []
    for start, first in enumerate(words):
        joined = ""
        run: list[Box] = []
        for word in words[start:]:
            if word.line != first.line:
                break
            joined += normalise(word.text)
            run.append(word.box)
            if joined == wanted:
                found.append(union(run))
                break
            if not wanted.startswith(joined):
                break
    return found


def inside(box: Box, region: Box) -> bool:
    return (
        box.x >= region.x
        and box.y >= region.y
        and box.x + box.width <= region.x + region.width
        and box.y + box.height <= region.y + region.height
    )


def match_template(screen: Gray, template: Gray, scales: tuple[float, ...], threshold: float) -> list[Box]:
    """Every place the template matches at any of the scales (normalised correlation >= threshold), best first."""
    candidates: list[tuple[float, Box]] = []
    for scale in scales:
        scaled = (
            template if scale == 1.0 else cv2.resize(template, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        )
        height, width = scaled.shape
        if height > screen.shape[0] or width > screen.shape[1]:
            continue
        scores = cv2.matchTemplate(screen, scaled, cv2.TM_CCOEFF_NORMED)
        ys, xs = np.nonzero(scores >= threshold)
        for y, x in zip(ys.tolist(), xs.tolist(), strict=True):
            candidates.append((float(scores[y, x]), Box(int(x), int(y), width, height)))
    candidates.sort(key=lambda item: -item[0])
    kept: list[Box] = []
    for _score, box in candidates:
        if not any(_overlaps(box, other) for other in kept):
            kept.append(box)
    return kept


def _overlaps(first: Box, second: Box) -> bool:
    return not (
        first.x + first.width <= second.x
        or second.x + second.width <= first.x
        or first.y + first.height <= second.y
        or second.y + second.height <= first.y
    )


def text_bands(gray: Gray, min_height: int = 5) -> list[tuple[int, int]]:
    """Horizontal bands (top, bottom) of an area that hold something: the rows of a list or grid."""
    if gray.size == 0:
        return []
    spread = gray.max(axis=1).astype(np.int16) - gray.min(axis=1).astype(np.int16)
    busy = spread >= ROW_CONTRAST
    bands: list[tuple[int, int]] = []
    start: int | None = None
    for index, flag in enumerate(busy.tolist()):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            if index - start >= min_height:
                bands.append((start, index))
            start = None
    if start is not None and len(busy) - start >= min_height:
        bands.append((start, len(busy)))
    return bands


def filled_slots(gray: Gray, row_height: int, min_busy_lines: int = 4) -> list[tuple[int, int]]:
    """Fixed-pitch rows (top, bottom) of an area that hold text: at least `min_busy_lines` lines with contrast."""
    inner = gray[:, EDGE_COLUMNS:-EDGE_COLUMNS] if gray.shape[1] > 3 * EDGE_COLUMNS else gray
    if inner.size == 0:
        return []
    spread = inner.max(axis=1).astype(np.int16) - inner.min(axis=1).astype(np.int16)
    busy = spread >= ROW_CONTRAST
    slots = []
    for top in range(0, gray.shape[0] - row_height + 1, row_height):
        if int(busy[top : top + row_height].sum()) >= min_busy_lines:
            slots.append((top, top + row_height))
    return slots


@dataclass(frozen=True)
class Column:
    """A grid column found from its header: its heading text and where it starts and ends on the screen."""

    heading: str
    left: int
    right: int


def header_columns(header_words: list[Word], right_edge: int) -> list[Column]:
    """Columns of a grid header line: split at `|` separators (heading borders) and at wide gaps between words."""
    ordered = sorted(header_words, key=lambda word: word.box.x)
    if not ordered:
        return []
    heights = sorted(word.box.height for word in ordered)
    gap_limit = heights[len(heights) // 2] * COLUMN_GAP_FACTOR
    groups: list[list[Word]] = []
    split_next = True
    previous_right = -1
    for word in ordered:
        text = word.text.strip(SEPARATOR_NOISE)
        starts_new = split_next or word.text.startswith("|") or word.box.x - previous_right > gap_limit
        split_next = word.text.endswith("|")
        previous_right = word.box.x + word.box.width
        if not text:
            split_next = True
            continue
        cleaned = Word(text, word.box, word.confidence, word.line)
        if starts_new or not groups:
            groups.append([cleaned])
        else:
            groups[-1].append(cleaned)
    starts = [group[0].box.x for group in groups]
    columns = []
    for index, group in enumerate(groups):
        right = starts[index + 1] if index + 1 < len(groups) else right_edge
        columns.append(Column(" ".join(word.text for word in group), group[0].box.x, right))
    return columns

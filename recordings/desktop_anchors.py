"""Find, from pixels alone, what a desktop click touched: the element's box and the label that anchors it.

The element is the flat-coloured area around the click (an entry field, a button face) when that area is
widget-sized, else a small box centred on the click. Its anchor is the nearest OCR phrase to its left on the same
line, or above it; a button's own caption anchors the button. Candidates, best first: OCR anchor (label + offset),
image template (the element's crop), fixed region (relative to the window).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from bots.locators import ImageLocator, Locator, OcrAnchorLocator, RegionLocator
from bots.observer import Box
from bots.ocr import Gray, Word
from bots.vision import union

MAX_WIDGET = (520, 90)
MIN_WIDGET = (10, 10)
CLICK_BOX = (60, 16)
PHRASE_GAP = 10
MIN_CONFIDENCE = 60.0
ANCHOR_MARGIN = 30


@dataclass(frozen=True)
class Phrase:
    text: str
    box: Box


def phrases(words: list[Word]) -> list[Phrase]:
    """Words joined into phrases: consecutive words on one line with small gaps between them."""
    found: list[Phrase] = []
    run: list[Word] = []
    legible = [w for w in words if any(ch.isalnum() for ch in w.text) and w.confidence >= MIN_CONFIDENCE]
    for word in [*legible, None]:
        if run and (word is None or word.line != run[-1].line or word.box.x - _right(run[-1].box) > PHRASE_GAP):
            found.append(Phrase(" ".join(w.text for w in run), union([w.box for w in run])))
            run = []
        if word is not None:
            run.append(word)
    return found


def _right(box: Box) -> int:
    return box.x + box.width


def _contains(box: Box, x: int, y: int) -> bool:
    return box.x <= x < _right(box) and box.y <= y < box.y + box.height


def element_box(gray: Gray, x: int, y: int) -> Box:
    """The widget under (x, y): its flat-coloured area if widget-sized, else a small box centred on the click."""
    height, width = gray.shape
    mask = np.zeros((height + 2, width + 2), dtype=np.uint8)
    flags = 4 | cv2.FLOODFILL_MASK_ONLY | cv2.FLOODFILL_FIXED_RANGE | (255 << 8)
    _, _, _, rect = cv2.floodFill(gray.copy(), mask, (x, y), 0, 3, 3, flags)
    left, top, box_width, box_height = (int(value) for value in rect)
    if MIN_WIDGET[0] <= box_width <= MAX_WIDGET[0] and MIN_WIDGET[1] <= box_height <= MAX_WIDGET[1]:
        return Box(left, top, box_width, box_height)
    return Box(max(0, x - CLICK_BOX[0] // 2), max(0, y - CLICK_BOX[1] // 2), *CLICK_BOX)


def value_box(found: list[Phrase], x: int, y: int) -> tuple[Box, Phrase] | None:
    """A value the author marked by pointing at its text: the phrase under the pointer, with room to grow."""
    for phrase in found:
        box = phrase.box
        if box.x - 2 <= x <= _right(box) + 2 and box.y - 3 <= y <= box.y + box.height + 3:
            grown = Box(box.x - 2, box.y - 3, max(box.width + 120, 160), box.height + 6)
            return grown, phrase
    return None


def nearest_label(found: list[Phrase], element: Box, caption_allowed: bool = True) -> Phrase | None:
    """The phrase that labels the element: its caption, else the closest phrase to the left, else above."""
    inside = [p for p in found if _contains(element, p.box.x + p.box.width // 2, p.box.y + p.box.height // 2)]
    if caption_allowed and inside and not any(ch.isdigit() for ch in inside[0].text):
        return inside[0]
    found = [p for p in found if p not in inside]
    middle = element.y + element.height // 2
    best: tuple[float, Phrase] | None = None
    for phrase in found:
        if _right(phrase.box) <= element.x + 4 and abs(phrase.box.y + phrase.box.height // 2 - middle) <= 8:
            distance = float(element.x - _right(phrase.box))
        elif phrase.box.y + phrase.box.height <= element.y + 2 and abs(phrase.box.x - element.x) < 200:
            distance = float(element.y - phrase.box.y) * 2 + 40
        else:
            continue
        if re.search(r"[A-Za-z]", phrase.text) and (best is None or distance < best[0]):
            best = (distance, phrase)
    return best[1] if best else None


def candidates(
    label: Phrase | None, element: Box, window: Box, template: str | None, *, unique: bool = True
) -> list[Locator]:
    """Ranked desktop locators for an element (OCR anchor, image template, region relative to the window).

    A label that shows more than once in the window is only looked for around where it was (`search_region`).
    """
    found: list[Locator] = []
    if label is not None:
        region = None
        if not unique:
            left, top = max(0, label.box.x - window.x - ANCHOR_MARGIN), max(0, label.box.y - window.y - ANCHOR_MARGIN)
            region = (left, top, label.box.width + 2 * ANCHOR_MARGIN, label.box.height + 2 * ANCHOR_MARGIN)
        found.append(
            OcrAnchorLocator(
                text=label.text,
                offset_x=element.x - label.box.x,
                offset_y=element.y - label.box.y,
                width=element.width,
                height=element.height,
                search_region=region,
            )
        )
    if template is not None:
        found.append(ImageLocator(template=template))
    found.append(
        RegionLocator(
            x=max(0, element.x - window.x), y=max(0, element.y - window.y), width=element.width, height=element.height
        )
    )
    return found


def crop(gray: Gray, box: Box) -> Gray:
    return np.ascontiguousarray(gray[box.y : box.y + box.height, box.x : box.x + box.width])

"""Tesseract OCR for desktop bots: one field's single line of text, and the words of a screen area with boxes.

One `Ocr` keeps a Tesseract API open (through tesserocr, in-process: a few ms per field instead of a process per
call). Field crops are trimmed to their ink (entry borders dropped), inverted when the text is light on dark,
upscaled with cubic interpolation, given a white border and read as a single line. Word passes over larger areas
(upscaled, keeping only dark ink, sparse text layout) are cached by the exact pixels they were run on, so an unchanged
screen is never read twice.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from bots.observer import Box

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # OpenMP threads only slow Tesseract down on two cores

import tesserocr

Gray = npt.NDArray[np.uint8]
TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")
LINE_SCALE = 3
WORDS_SCALE = 2
BORDER = 12
INK_CONTRAST = 60
BORDER_LINE_SHARE = 0.9
EDGE_DEPTH = 3
EDGE_LINE_SHARE = 0.6
WORD_CACHE_SIZE = 64
WORDS_INK_LEVEL = 110
LABEL_GAP = 12
SPACE_MIN_PIXELS = 4
GAP_INK_CONTRAST = 95  # only solid ink counts: faint anti-aliasing must not close a gap
SPACE_SHARE_OF_HEIGHT = 0.28
WIDE_SPACE = 8
FLAT_GROUND = 30


@dataclass(frozen=True)
class Word:
    """One word OCR found: its text, its box in screen pixels, its confidence and the line it belongs to."""

    text: str
    box: Box
    confidence: float
    line: int


@dataclass(frozen=True)
class LineText:
    """A single line read from a crop; an empty field reads as "" with full confidence."""

    text: str
    confidence: float


def ink_box(gray: Gray) -> tuple[Gray, tuple[int, int, int, int] | None]:
    """The crop cleaned to dark text on white (border lines and faint ground removed), and its ink's box."""
    image = gray if float(np.median(gray)) >= 128 else (255 - gray).astype(np.uint8)
    background = float(np.median(image))
    levels = image.astype(np.int16)
    ink = levels < background - INK_CONTRAST
    if ink.size == 0:
        return image, None
    text = ink.copy()
    text[text.mean(axis=1) > BORDER_LINE_SHARE, :] = False
    text[:, text.mean(axis=0) > BORDER_LINE_SHARE] = False
    _strip_edge_lines(text)
    cleaned = image.copy()
    cleaned[ink & ~text] = 255
    rows = np.flatnonzero(text.any(axis=1))
    columns = np.flatnonzero(text.any(axis=0))
    if rows.size == 0 or columns.size == 0:
        return cleaned, None
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    left, right = int(columns[0]), int(columns[-1]) + 1
    return cleaned, (left, top, right - left, bottom - top)


def _strip_edge_lines(ink: npt.NDArray[np.bool_]) -> None:
    """Clear what is left of a widget's border, in place: lines near the crop's edges that run into its edge.

    A glyph's stroke (the stem of a J, a bracket) can be as tall as the crop, but it does not run into the crop's
    border while sitting within a few pixels of its side; the remains of a sunken widget border do.
    """
    height, width = ink.shape
    for side in range(min(EDGE_DEPTH, width // 2)):
        for column in (side, width - 1 - side):
            line = ink[:, column]
            if line.mean() > EDGE_LINE_SHARE and (line[0] or line[-1]):
                ink[:, column] = False
    for side in range(min(EDGE_DEPTH, height // 2)):
        for row in (side, height - 1 - side):
            line = ink[row, :]
            if line.mean() > EDGE_LINE_SHARE and (line[0] or line[-1]):
                ink[row, :] = False


def prepare_line(gray: Gray) -> Gray | None:
    """A field crop ready for Tesseract, or None when the field holds no text at all."""
    image, box = ink_box(gray)
    if box is None:
        return None
    x, y, width, height = box
    # Exactly the ink: a margin taken from the screen could bring a neighbouring border back in.
    trimmed = cv2.copyMakeBorder(
        widen_spaces(image[y : y + height, x : x + width]), 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=255
    )
    upscaled = cv2.resize(trimmed, None, fx=LINE_SCALE, fy=LINE_SCALE, interpolation=cv2.INTER_CUBIC)
    bordered = cv2.copyMakeBorder(upscaled, BORDER, BORDER, BORDER, BORDER, cv2.BORDER_CONSTANT, value=255)
    return np.ascontiguousarray(bordered, dtype=np.uint8)


def _band(image: Gray, box: tuple[int, int, int, int], crop_top: int, top: int, bottom: int) -> Gray:
    """The ink columns of a crop over screen rows [top, bottom), white where the crop has no such row."""
    x, _y, width, _height = box
    band = np.full((bottom - top, width), 255, dtype=np.uint8)
    for row in range(top, bottom):
        source = row - crop_top
        if 0 <= source < image.shape[0]:
            band[row - top] = image[source, x : x + width]
    ground = float(np.median(image))
    band[band > ground - FLAT_GROUND] = 255
    return band


def widen_spaces(image: Gray) -> Gray:
    """Make every gap between words unmistakable: a blank run as wide as a space becomes a wide blank.

    At small sizes the space after "r" or before "A" is only a few pixels, and Tesseract then joins the words.
    """
    if image.size == 0:
        return image
    ink: npt.NDArray[np.bool_] = np.asarray(
        (image.astype(np.int16) < float(np.median(image)) - GAP_INK_CONTRAST).any(axis=0), dtype=np.bool_
    )
    threshold = max(SPACE_MIN_PIXELS, round(SPACE_SHARE_OF_HEIGHT * image.shape[0]))
    pieces: list[Gray] = []
    start = 0
    column = 0
    width = image.shape[1]
    while column < width:
        if ink[column]:
            column += 1
            continue
        end = column
        while end < width and not ink[end]:
            end += 1
        if column > 0 and end < width and end - column >= threshold:
            pieces.append(image[:, start:column])
            pieces.append(np.full((image.shape[0], WIDE_SPACE), 255, dtype=np.uint8))
            start = end
        column = end
    pieces.append(image[:, start:])
    return np.hstack(pieces)


def _upscaled(line: Gray) -> Gray:
    padded = cv2.copyMakeBorder(line, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=255)
    upscaled = cv2.resize(padded, None, fx=LINE_SCALE, fy=LINE_SCALE, interpolation=cv2.INTER_CUBIC)
    bordered = cv2.copyMakeBorder(upscaled, BORDER, BORDER, BORDER, BORDER, cv2.BORDER_CONSTANT, value=255)
    return np.ascontiguousarray(bordered, dtype=np.uint8)


def pixel_key(gray: Gray) -> bytes:
    """A digest of exactly these pixels (and their shape): equal keys mean an unchanged image."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr(gray.shape).encode())
    digest.update(np.ascontiguousarray(gray).tobytes())
    return digest.digest()


class Ocr:
    """An open Tesseract engine; not thread-safe, so each driver keeps its own."""

    def __init__(self, tessdata: Path = TESSDATA, language: str = "eng") -> None:
        self._api: Any = tesserocr.PyTessBaseAPI(
            path=str(tessdata),
            lang=language,
            psm=tesserocr.PSM.SINGLE_LINE,
            oem=tesserocr.OEM.LSTM_ONLY,
            # Field values are codes, numbers and names, not English prose: no word lists pulling "5th" to "Sth".
            variables={"load_system_dawg": "F", "load_freq_dawg": "F"},
        )
        self._word_cache: OrderedDict[bytes, list[Word]] = OrderedDict()
        self.word_passes = 0

    def close(self) -> None:
        self._api.End()

    def _set_image(self, image: Gray) -> None:
        height, width = image.shape
        self._api.SetImageBytes(image.tobytes(), width, height, 1, width)

    def read_line(self, gray: Gray) -> LineText:
        """The text of a one-line field crop with Tesseract's mean confidence (0-100)."""
        prepared = prepare_line(gray)
        if prepared is None:
            return LineText("", 100.0)
        self._api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
        self._set_image(prepared)
        text = " ".join(self._api.GetUTF8Text().split())
        confidence = float(self._api.MeanTextConf())
        if not text or len(text) == 1:
            self._api.SetPageSegMode(tesserocr.PSM.SINGLE_CHAR)
            self._set_image(prepared)
            single = "".join(self._api.GetUTF8Text().split())
            single_confidence = float(self._api.MeanTextConf())
            if single and single_confidence >= confidence:
                text, confidence = single, single_confidence
        return LineText(text, confidence)

    def read_labelled(self, label: Gray, label_top: int, value: Gray, value_top: int) -> LineText:
        """Read a field's line with its label in front, then keep only what lies right of the label.

        A lone value such as "SC" or "W" gives Tesseract no idea of the font's size, so it guesses the case; the
        label beside it on the screen (same font, same line) does. `*_top` are the crops' screen rows.
        """
        value_clean, value_box = ink_box(value)
        label_clean, label_box = ink_box(label)
        if value_box is None:
            return LineText("", 100.0)
        if label_box is None:
            return self.read_line(value)
        top = min(label_top + label_box[1], value_top + value_box[1])
        bottom = max(label_top + label_box[1] + label_box[3], value_top + value_box[1] + value_box[3])
        label_part = _band(label_clean, label_box, label_top, top, bottom)
        value_part = _band(value_clean, value_box, value_top, top, bottom)
        gap = np.full((bottom - top, LABEL_GAP), 255, dtype=np.uint8)
        label_part, value_part = widen_spaces(label_part), widen_spaces(value_part)
        line = np.hstack([label_part, gap, value_part])
        split = (label_part.shape[1] + LABEL_GAP // 2) * LINE_SCALE + BORDER
        prepared = _upscaled(line)
        self._api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
        self._set_image(prepared)
        self._api.Recognize()
        kept: list[tuple[str, float]] = []
        level = tesserocr.RIL.WORD
        for item in tesserocr.iterate_level(self._api.GetIterator(), level):
            try:
                text = item.GetUTF8Text(level)
            except RuntimeError:
                continue
            left, _top, _right, _bottom = item.BoundingBox(level)
            if text and text.strip() and left >= split:
                kept.append((text.strip(), float(item.Confidence(level))))
        if not kept:
            return self.read_line(value)
        return LineText(" ".join(text for text, _ in kept), min(confidence for _, confidence in kept))

    def words(self, gray: Gray, origin: tuple[int, int] = (0, 0)) -> list[Word]:
        """Every word in an area (boxes in screen pixels, `origin` being the area's top-left); cached by pixels."""
        key = pixel_key(gray) + repr(origin).encode()
        cached = self._word_cache.get(key)
        if cached is not None:
            self._word_cache.move_to_end(key)
            return cached
        found = self._recognise_words(gray, origin)
        self._remember(key, found)
        return found

    def line_words(self, gray: Gray, origin: tuple[int, int] = (0, 0)) -> list[Word]:
        """The words of one line of text (a grid's header), separators such as `|` included; cached by pixels."""
        key = b"line" + pixel_key(gray) + repr(origin).encode()
        cached = self._word_cache.get(key)
        if cached is None:
            upscaled = cv2.resize(gray, None, fx=WORDS_SCALE, fy=WORDS_SCALE, interpolation=cv2.INTER_CUBIC)
            cached = self._recognise(np.asarray(upscaled, dtype=np.uint8), origin, tesserocr.PSM.SINGLE_LINE)
            self._remember(key, cached)
        return cached

    def _remember(self, key: bytes, words: list[Word]) -> None:
        self._word_cache[key] = words
        if len(self._word_cache) > WORD_CACHE_SIZE:
            self._word_cache.popitem(last=False)

    def _recognise_words(self, gray: Gray, origin: tuple[int, int]) -> list[Word]:
        upscaled = cv2.resize(gray, None, fx=WORDS_SCALE, fy=WORDS_SCALE, interpolation=cv2.INTER_CUBIC)
        # Dark text only: grey widget faces, sunken borders and light hints all turn white.
        binary = np.where(upscaled < WORDS_INK_LEVEL, 0, 255).astype(np.uint8)
        return self._recognise(binary, origin, tesserocr.PSM.SPARSE_TEXT)

    def _recognise(self, image: Gray, origin: tuple[int, int], mode: int) -> list[Word]:
        self.word_passes += 1
        self._api.SetPageSegMode(mode)
        self._set_image(np.ascontiguousarray(image))
        self._api.Recognize()
        iterator = self._api.GetIterator()
        level, line_level = tesserocr.RIL.WORD, tesserocr.RIL.TEXTLINE
        words: list[Word] = []
        line = -1
        for item in tesserocr.iterate_level(iterator, level):
            try:
                text = item.GetUTF8Text(level)
            except RuntimeError:  # tesserocr raises instead of returning "" for an area without text
                continue
            if item.IsAtBeginningOf(line_level):
                line += 1
            if not text or not text.strip():
                continue
            left, top, right, bottom = item.BoundingBox(level)
            box = Box(
                origin[0] + left // WORDS_SCALE,
                origin[1] + top // WORDS_SCALE,
                max(1, (right - left) // WORDS_SCALE),
                max(1, (bottom - top) // WORDS_SCALE),
            )
            words.append(Word(text.strip(), box, float(item.Confidence(level)), max(line, 0)))
        return words

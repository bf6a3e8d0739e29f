"""OCR of field crops and word passes with the real Tesseract, on text rendered in the practice EHR's font."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from bots.ocr import Gray, Ocr, ink_box, pixel_key, prepare_line

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def entry(text: str, width: int = 200, height: int = 17, size: int = 11) -> Gray:
    """A sunken white entry field holding `text`, as Tk draws it on a grey dialog."""
    image = Image.new("L", (width, height), 212)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), fill=255)
    draw.line((0, 0, width - 1, 0), fill=128)
    draw.line((0, 0, 0, height - 1), fill=128)
    draw.text((3, 2), text, fill=0, font=ImageFont.truetype(FONT, size))
    return np.asarray(image, dtype=np.uint8)


@pytest.fixture(scope="module")
def ocr() -> Iterator[Ocr]:
    engine = Ocr()
    try:
        yield engine
    finally:
        engine.close()


@pytest.mark.parametrize("text", ["Smith", "03/14/1958", "(608) 230-6378", "128/82", "a<b> José 98.6°F {x} 100%"])
def test_a_field_reads_exactly_with_its_confidence(ocr: Ocr, text: str) -> None:
    line = ocr.read_line(entry(text))
    assert line.text == text
    assert 50 < line.confidence <= 100


def test_an_empty_field_reads_as_empty_with_full_confidence(ocr: Ocr) -> None:
    assert prepare_line(entry("")) is None
    assert ocr.read_line(entry("")).text == ""


def test_light_text_on_a_dark_selection_is_read_too(ocr: Ocr) -> None:
    assert ocr.read_line((255 - entry("0100046")).astype(np.uint8)).text == "0100046"


def test_border_lines_are_not_ink_but_a_tall_glyph_is() -> None:
    _, box = ink_box(entry("J"))
    assert box is not None
    assert box[0] >= 2
    _, box = ink_box(entry("|", height=12))
    assert box is not None


def test_words_carry_screen_boxes_and_are_cached_by_pixels(ocr: Ocr) -> None:
    image = np.full((40, 300), 212, dtype=np.uint8)
    label = Image.fromarray(image)
    ImageDraw.Draw(label).text((10, 12), "Last Name:", fill=0, font=ImageFont.truetype(FONT, 11))
    pixels = np.asarray(label, dtype=np.uint8)
    words = ocr.words(pixels, (100, 50))
    assert [word.text for word in words] == ["Last", "Name:"]
    assert all(word.box.x >= 100 and word.box.y >= 50 for word in words)
    passes = ocr.word_passes
    assert ocr.words(pixels.copy(), (100, 50)) == words
    assert ocr.word_passes == passes
    assert pixel_key(pixels) != pixel_key(pixels[:, 1:])

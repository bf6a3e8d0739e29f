"""Pixel and word geometry: phrases among OCR words, template matches, grid rows and header columns."""

from __future__ import annotations

import numpy as np

from bots.observer import Box
from bots.ocr import Word
from bots.vision import filled_slots, find_phrase, header_columns, match_template, normalise, text_bands


def word(text: str, x: int, y: int = 10, line: int = 0, width: int | None = None) -> Word:
    return Word(text, Box(x, y, width or 6 * len(text), 8), 90.0, line)


def test_normalise_forgives_case_spaces_and_a_misread_colon() -> None:
    assert normalise("User name:") == normalise("Username.") == "username"


def test_a_phrase_spans_consecutive_words_of_one_line() -> None:
    words = [
        word("Last", 10),
        word("Name:", 40),
        word("Smith", 100),
        word("Last", 10, 30, 1),
        word("Updated:", 40, 30, 1),
    ]
    assert find_phrase(words, "Last Name:") == [Box(10, 10, 60, 8)]
    assert find_phrase(words, "Last") == [Box(10, 10, 24, 8), Box(10, 30, 24, 8)]
    assert find_phrase(words, "Name Smith") == [Box(40, 10, 90, 8)]
    assert find_phrase(words, "First Name:") == []


def test_a_template_is_found_at_another_scale_once() -> None:
    screen = np.full((100, 200), 200, dtype=np.uint8)
    template = np.full((10, 10), 200, dtype=np.uint8)
    template[2:8, 2:8] = 0
    template[4:6, 4:6] = 255
    screen[40:50, 60:70] = template
    assert match_template(screen, template, (1.0,), 0.9) == [Box(60, 40, 10, 10)]
    big = np.kron(template, np.ones((2, 2), dtype=np.uint8))
    screen[10:30, 120:140] = big
    found = match_template(screen, template, (1.0, 2.0), 0.9)
    assert Box(120, 10, 20, 20) in found
    assert len(found) == 2


def test_rows_are_fixed_pitch_slots_holding_text_ignoring_side_borders() -> None:
    area = np.full((60, 100), 255, dtype=np.uint8)
    area[:, 0] = 128
    area[3:12, 10:50] = 0
    area[23:32, 10:30] = 0
    assert filled_slots(area, 20) == [(0, 20), (20, 40)]
    assert text_bands(area[:, 5:]) == [(3, 12), (23, 32)]


def test_header_columns_split_at_separators_and_wide_gaps() -> None:
    words = [word("Date", 10), word("|Time", 70), word("Temp", 130), word("(°F)", 160), word("|", 190), word("By", 200)]
    columns = header_columns(words, 300)
    assert [(column.heading, column.left, column.right) for column in columns] == [
        ("Date", 10, 70),
        ("Time", 70, 130),
        ("Temp (°F)", 130, 200),
        ("By", 200, 300),
    ]


def test_a_heading_separator_read_as_a_backslash_is_not_part_of_the_heading() -> None:
    columns = header_columns([word("Ref", 10), word("Range", 30), word("\\Flag", 110)], 200)
    assert [column.heading for column in columns] == ["Ref Range", "Flag"]

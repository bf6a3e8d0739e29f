"""UI version 2 renames the chart tabs and navigation words but keeps the same tabs in the same places."""

from __future__ import annotations

from practice_ehrs.legacy_web.ui_words import tabs, words


def test_version_2_renames_tabs_and_words() -> None:
    assert [key for key, _ in tabs(1)] == [key for key, _ in tabs(2)]
    assert [text for _, text in tabs(1)] != [text for _, text in tabs(2)]
    assert words(1)["mrn"] == "MRN"
    assert words(2)["mrn"] == "Med Rec #"
    assert set(words(1)) == set(words(2))

"""The map's fonts rendered into glyph sets on a real Xvfb by the real render script (once per process)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bots.drivers.desktop_fonts import glyph_sets
from bots.drivers.xvfb import VirtualDisplay
from bots.map_models import ScreenFont

pytestmark = [pytest.mark.desktop, pytest.mark.anyio]


@pytest.fixture(scope="module")
def display() -> Iterator[VirtualDisplay]:
    with VirtualDisplay(1024, 768) as virtual:
        yield virtual


async def test_a_font_is_rendered_once_with_the_characters_asked_for(display: VirtualDisplay) -> None:
    font = ScreenFont(family="DejaVu Sans", pixels=9.5, characters="0123456789/-")
    first = await glyph_sets([font], display.env)
    again = await glyph_sets([font], display.env)
    assert [glyphs.characters for glyphs in first] == [tuple("0123456789/-")]
    assert again[0] is first[0]
    assert first[0].name == "DejaVu Sans 9.5px"


async def test_a_family_that_is_not_installed_is_skipped_and_logged(
    display: VirtualDisplay, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bots.drivers.desktop_fonts"):
        found = await glyph_sets([ScreenFont(family="No Such Family Sans", pixels=11)], display.env)
    assert found == []
    assert "No Such Family Sans 11px" in caplog.text
    assert "not installed" in caplog.text

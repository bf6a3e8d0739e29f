"""Fixtures for driving the practice desktop EHR through the screen: OCR engine, screen driver, signed-in app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tesserocr import PyTessBaseAPI

from practice_ehrs.legacy_desktop.runner import RunningDesktopEhr
from tests.practice_ehrs.legacy_desktop.screen import TESSDATA, ScreenDriver


@pytest.fixture(scope="session")
def ocr() -> Iterator[PyTessBaseAPI]:
    with PyTessBaseAPI(path=TESSDATA, lang="eng") as api:
        yield api


@pytest.fixture
def screen(fresh_legacy_desktop: RunningDesktopEhr, ocr: PyTessBaseAPI) -> Iterator[ScreenDriver]:
    """A screen driver on the desktop EHR, freshly restarted at its login window on a seed database."""
    driver = ScreenDriver(fresh_legacy_desktop, ocr)
    yield driver
    driver.close()

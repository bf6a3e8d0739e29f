"""Drive the practice desktop EHR the way a desktop bot must: screenshots, OCR, mouse and keys (xdotool) only.

Nothing here touches the app's widgets; words are found with Tesseract (tesserocr) on screenshots (mss).
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import mss
from PIL import Image, ImageOps
from tesserocr import PSM, RIL, PyTessBaseAPI, iterate_level

from practice_ehrs.legacy_desktop.runner import RunningDesktopEhr

TESSDATA = "/usr/share/tesseract-ocr/5/tessdata/"
UPSCALE = 3
WHITE = (255, 255, 255)
FACE = (0xD4, 0xD0, 0xC8)  # the app's dialog grey


@dataclass(frozen=True)
class Box:
    """A rectangle on the screen, in screen pixels."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def center(self) -> tuple[int, int]:
        return (self.left + self.right) // 2, (self.top + self.bottom) // 2


@dataclass(frozen=True)
class Word:
    text: str
    box: Box


# Glyphs Tesseract confuses at small sizes ("(lb)" read as "(Ib)"); labels are compared with these folded.
CONFUSABLE = str.maketrans({"i": "l", "1": "l", "|": "l", "0": "o"})


def _normalise(text: str) -> str:
    return text.strip().strip(":.,").lower().translate(CONFUSABLE)


class ScreenDriver:
    """Pixels in, mouse and keys out, on one running desktop EHR."""

    def __init__(self, ehr: RunningDesktopEhr, ocr: PyTessBaseAPI) -> None:
        self.ehr = ehr
        self.ocr = ocr
        self._screen: mss.base.MSSBase | None = None

    def xdotool(self, *arguments: str) -> str:
        completed = subprocess.run(
            ["xdotool", *arguments], env=self.ehr.env, capture_output=True, text=True, timeout=20, check=True
        )
        return completed.stdout

    def grab(self, box: Box | None = None) -> Image.Image:
        if self._screen is None:
            self._screen = mss.MSS(display=self.ehr.display)
        monitor = self._screen.monitors[0]
        if box is not None:
            monitor = {"left": box.left, "top": box.top, "width": box.right - box.left, "height": box.bottom - box.top}
        shot = self._screen.grab(monitor)
        return Image.frombytes("RGB", shot.size, shot.rgb)

    def close(self) -> None:
        if self._screen is not None:
            self._screen.close()
            self._screen = None

    def window_box(self, window: int) -> Box:
        geometry = self.ehr.geometry(window)
        return Box(geometry.x, geometry.y, geometry.x + geometry.width, geometry.y + geometry.height)

    def _recognise(self, box: Box, mode: PSM, level: RIL, upscale: int = UPSCALE) -> list[Word]:
        image = ImageOps.grayscale(self.grab(box))
        image = image.resize((image.width * upscale, image.height * upscale), Image.Resampling.BICUBIC)
        image = ImageOps.expand(image, border=10, fill=255)
        self.ocr.SetPageSegMode(mode)
        self.ocr.SetImage(image)
        self.ocr.Recognize()
        found: list[Word] = []
        if not self.ocr.GetUTF8Text().strip():
            return found
        for item in iterate_level(self.ocr.GetIterator(), level):
            text = item.GetUTF8Text(level)
            bounds = item.BoundingBox(level)
            if not text or not text.strip() or bounds is None:
                continue
            left, top, right, bottom = ((value - 10) // upscale for value in bounds)
            found.append(Word(text.strip(), Box(box.left + left, box.top + top, box.left + right, box.top + bottom)))
        return found

    def words(self, box: Box, upscale: int = UPSCALE) -> list[Word]:
        """Every word Tesseract reads in `box` (sparse text: labels, buttons), with its place on the screen."""
        return self._recognise(box, PSM.SPARSE_TEXT, RIL.WORD, upscale)

    def lines(self, box: Box) -> list[Word]:
        """The text lines of a list or grid region in `box`, read as one block, top to bottom."""
        return self._recognise(box, PSM.SINGLE_BLOCK, RIL.TEXTLINE)

    def text(self, box: Box) -> str:
        return " ".join(word.text for word in self.words(box))

    def _passes(self, box: Box) -> Iterator[list[Word]]:
        """Word lists of `box` from successive OCR passes, computed only as far as the caller reads."""
        # Tesseract drops a line now and then in one mode or at one scale; another pass almost always reads it.
        for mode, upscale in ((PSM.SPARSE_TEXT, 2), (PSM.SPARSE_TEXT, 3), (PSM.SINGLE_BLOCK, 3)):
            yield self._recognise(box, mode, RIL.WORD, upscale)

    def find_phrases(self, phrase: str, box: Box) -> list[Box]:
        """Every place the words of `phrase` appear one after another on a line in `box` (case and colons ignored)."""
        for words in self._passes(box):
            found = _matches(words, phrase)
            if found:
                return found
        return []

    def find_phrase(self, phrase: str, box: Box) -> Box | None:
        """The first place `phrase` appears in `box`, or None."""
        return next(iter(self.find_phrases(phrase, box)), None)

    def wait_for_phrase(self, phrase: str, box: Box, timeout: float = 10.0) -> Box:
        deadline = time.monotonic() + timeout
        while True:
            found = self.find_phrase(phrase, box)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{phrase!r} not seen on screen; OCR read: {self.text(box)!r}")
            time.sleep(0.1)

    def field_right_of(self, label: Box, reach: int = 400) -> Box | None:
        """The first field (input or value box) right of a label: where the grey dialog face gives way, on the
        label's middle pixel row, to a field's border, until the face shows again."""
        _, middle = label.center
        origin = label.right + 3
        row = list(_pixels(self.grab(Box(origin, middle, origin + reach, middle + 1))))
        left = next((x for x, pixel in enumerate(row) if pixel != FACE), None)
        if left is None:
            return None
        right, run = len(row), 0
        for x in range(left, len(row)):
            run = run + 1 if row[x] == FACE else 0
            if run == 6:
                right = x - 5
                break
        if right - left < 20 or WHITE not in row[left:right]:
            return None
        column = list(_pixels(self.grab(Box(origin + left + 3, middle - 20, origin + left + 4, middle + 20)), True))
        top = bottom = 20
        while top > 0 and column[top - 1] != FACE:
            top -= 1
        while bottom < len(column) - 1 and column[bottom + 1] != FACE:
            bottom += 1
        return Box(origin + left, middle - 20 + top, origin + right, middle - 20 + bottom + 1)

    def fields_for(self, labels: list[str], box: Box, timeout: float = 10.0) -> dict[str, Box]:
        """The field right of each label (its first occurrence in `box` that has one), from as few OCR passes as can."""
        fields: dict[str, Box] = {}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for words in self._passes(box):
                for label in labels:
                    for place in [] if label in fields else _matches(words, label):
                        field = self.field_right_of(place)
                        if field is not None:
                            fields[label] = field
                            break
                if len(fields) == len(labels):
                    return fields
            time.sleep(0.1)
        missing = [label for label in labels if label not in fields]
        raise AssertionError(f"no field right of {missing!r}; OCR read: {self.text(box)!r}")

    def read_field(self, label: str, box: Box) -> str:
        """The text in the white field right of `label`, read as a single line."""
        field = self.fields_for([label], box)[label]
        return " ".join(word.text for word in self._recognise(field, PSM.SINGLE_LINE, RIL.TEXTLINE))

    def find_line(self, prefix: str, box: Box) -> Word | None:
        """The first text line in `box` that starts with `prefix` (as OCR reads it)."""
        return next((line for line in self.lines(box) if line.text.startswith(prefix)), None)

    def focus(self, window: int) -> None:
        self.xdotool("windowfocus", "--sync", str(window))

    def click(self, point: tuple[int, int], double: bool = False) -> None:
        x, y = point
        # No --sync: `mousemove --sync` waits for a motion that never comes when the pointer is already there.
        self.xdotool("mousemove", str(x), str(y), "click", "--repeat", "2" if double else "1", "--delay", "80", "1")

    def type(self, text: str) -> None:
        """Type `text` literally. xdotool types a character missing from the keymap by binding it to a spare
        keycode and unbinding it `--delay` ms later; an app still busy then reads nothing, so such characters
        get a longer delay than plain ASCII."""
        for run in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
            delay = "12" if run.isascii() else "150"
            self.xdotool("type", "--delay", delay, "--", run)

    def key(self, *names: str) -> None:
        self.xdotool("key", "--delay", "30", *names)

    def fill(self, window: int, values: dict[str, str]) -> None:
        """Type each value into the field right of its label (found by OCR) in `window`."""
        self.focus(window)
        box = self.window_box(window)
        fields = self.fields_for(list(values), box)
        for label, value in values.items():
            self.click((fields[label].left + 4, fields[label].center[1]))
            self.type(value)

    def press_button(self, caption: str, window: int) -> None:
        self.click(self.wait_for_phrase(caption, self.window_box(window)).center)


def _matches(words: list[Word], phrase: str) -> list[Box]:
    """Where the words of `phrase` follow one another on one line among `words`."""
    wanted = [_normalise(token) for token in phrase.split()]
    found: list[Box] = []
    for start in range(len(words) - len(wanted) + 1):
        run = words[start : start + len(wanted)]
        same_line = all(run[0].box.top - 4 <= word.box.center[1] <= run[0].box.bottom + 4 for word in run)
        if same_line and [_normalise(word.text) for word in run] == wanted:
            top, bottom = min(w.box.top for w in run), max(w.box.bottom for w in run)
            found.append(Box(run[0].box.left, top, run[-1].box.right, bottom))
    return found


def _pixels(strip: Image.Image, vertical: bool = False) -> Iterator[tuple[int, int, int]]:
    for index in range(strip.height if vertical else strip.width):
        pixel = strip.getpixel((0, index) if vertical else (index, 0))
        assert isinstance(pixel, tuple)
        yield pixel[0], pixel[1], pixel[2]

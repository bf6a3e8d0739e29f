"""What a bot author does on the practice desktop EHR while the desktop recorder runs, scripted with xdotool.

A person looks for a label and clicks next to it; so does this script, finding labels by OCR of the screen.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bots.observer import Box
from recordings.desktop_anchors import Phrase, phrases
from recordings.desktop_recorder import DesktopRecorder


class Author:
    def __init__(self, recorder: DesktopRecorder) -> None:
        self.recorder = recorder

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.recorder.env, check=True)

    def wait_for_window(self, prefix: str, timeout_seconds: float = 15) -> None:
        deadline = time.monotonic() + timeout_seconds
        while not any(window.name.startswith(prefix) for window in self.recorder.app.windows()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no window {prefix!r}")
            time.sleep(0.05)

    def find(self, text: str, timeout_seconds: float = 10, prefix: bool = False) -> Box:
        """The box of a phrase in the top window (waits until it shows)."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            found = self.phrases()
            for phrase in found:
                if phrase.text == text or (prefix and phrase.text.startswith(text)):
                    return phrase.box
            if time.monotonic() > deadline:
                raise TimeoutError(f"{text!r} is not on the screen; saw {[p.text for p in found]}")
            time.sleep(0.1)

    def phrases(self) -> list[Phrase]:
        """OCR phrases of the top window (OCR of a window reads better than of the whole screen)."""
        _, gray = self.recorder._grab()
        window = self.recorder.app.windows()[-1].box
        area = gray[window.y : window.y + window.height, window.x : window.x + window.width]
        return phrases(self.recorder.ocr_for_tests().words(area.copy(), (window.x, window.y)))

    def click_at(self, x: int, y: int) -> None:
        """Focus the top window, press, wait until the recorder saw the press, release (as a hand would)."""
        seen = self.recorder.presses_seen
        self.xdotool("windowfocus", "--sync", str(self.recorder.app.windows()[-1].id))
        self.xdotool("mousemove", str(x), str(y), "mousedown", "1")
        self.recorder.wait_for_presses(seen + 1)
        self.xdotool("mouseup", "1")

    def click_text(self, text: str, dx: int = 0) -> None:
        box = self.find(text)
        self.click_at(box.x + box.width // 2 + dx, box.y + box.height // 2)

    def type_next_to(self, label: str, text: str) -> None:
        box = self.find(label)
        self.click_at(box.x + box.width + 60, box.y + box.height // 2)
        self.xdotool("type", "--delay", "20", text)

    def press(self, key: str) -> None:
        """Press a key in the top window (X keysym name, e.g. Return)."""
        self.xdotool("windowfocus", "--sync", str(self.recorder.app.windows()[-1].id), "key", key)

    def mark_value_of(self, label: str) -> None:
        """Point at the value right of a label and press Ctrl+Alt+M."""
        box = self.find(label)
        line = [p for p in self.phrases() if abs(p.box.y - box.y) < 6 and p.box.x > box.x + box.width]
        value = min(line, key=lambda p: p.box.x)
        self.xdotool("mousemove", str(value.box.x + 3), str(value.box.y + value.box.height // 2))
        self.xdotool("key", "ctrl+alt+m")


def practice_desktop_command(database: Path) -> list[str]:
    return [sys.executable, "-m", "practice_ehrs.legacy_desktop", "--db", str(database)]


def record_demographics(author: Author) -> None:
    """Log in, search MRN 0100164 with Enter, open the chart, mark four demographics values."""
    author.wait_for_window("CareDesk - Login")
    author.type_next_to("User name:", "nurse")
    author.type_next_to("Password:", "nurse123")
    author.click_text("OK")
    author.wait_for_window("CareDesk Clinical Workstation")
    author.click_at(59, 96)  # the toolbar's magnifier: an icon without text
    author.wait_for_window("Patient Search")
    author.type_next_to("MRN:", "0100164")
    author.press("Return")  # the search window runs the search on Enter
    first_line = author.find("NGUYEN", prefix=True)
    author.click_at(first_line.x + 10, first_line.y + first_line.height // 2)
    author.click_text("Open")
    author.wait_for_window("Patient Chart")
    for label in ("Last Name:", "First Name:", "DOB:", "MRN:"):
        author.mark_value_of(label)
    author.recorder.settle()

"""Start the practice desktop EHR on its own virtual display for tests and the demo, and stop both by PID.

with run_legacy_desktop(knobs=Knobs(ui_version=2)) as ehr:
    ehr.wait_for_window(LOGIN_TITLE)      # X window id; drive it with xdotool, read it with screenshots
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bots.drivers.xvfb import VirtualDisplay
from practice_ehrs.clinical_data import ensure_database, reset_database
from practice_ehrs.legacy_desktop.knobs import Knobs
from practice_ehrs.legacy_desktop.login import LOGIN_TITLE

DESKTOP_COLOUR = "#3a6ea5"
START_TIMEOUT = 30.0


class DesktopEhrError(RuntimeError):
    """The desktop EHR did not start or a window did not appear in time."""


@dataclass(frozen=True)
class WindowGeometry:
    x: int
    y: int
    width: int
    height: int


class RunningDesktopEhr:
    """A desktop EHR process on a virtual display, with helpers to find its windows."""

    def __init__(self, display: VirtualDisplay, db_path: Path, knobs: Knobs) -> None:
        self.virtual_display = display
        self.db_path = db_path
        self.knobs = knobs
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def display(self) -> str:
        return self.virtual_display.display

    @property
    def env(self) -> dict[str, str]:
        return self.virtual_display.env

    @property
    def pid(self) -> int:
        if self.process is None:
            raise DesktopEhrError("the desktop EHR is not running")
        return self.process.pid

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Launch the app and return once its login window is mapped."""
        ensure_database(self.db_path)
        command = [sys.executable, "-m", "practice_ehrs.legacy_desktop", "--db", str(self.db_path)]
        self.process = subprocess.Popen(
            command + self.knobs.as_arguments(), env=self.env, start_new_session=True, stdout=subprocess.DEVNULL
        )
        self.wait_for_window(LOGIN_TITLE, timeout=timeout + self.knobs.latency_ms / 1000)

    def stop(self) -> None:
        """Stop the app this object started, by its PID."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def restart(self, knobs: Knobs | None = None, reset: bool = False) -> None:
        """Stop the app and start it again, optionally with other knobs and a database back in its seed state."""
        self.stop()
        if knobs is not None:
            self.knobs = knobs
        if reset:
            reset_database(self.db_path)
        self.start()

    def exit_code(self, timeout: float) -> int | None:
        """The app's exit code once it has ended within `timeout` seconds, else None."""
        if self.process is None:
            return None
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def _xdotool(self, *arguments: str, timeout: float = 10.0) -> str:
        completed = subprocess.run(
            ["xdotool", *arguments], env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        return completed.stdout

    def find_windows(self, name: str) -> list[int]:
        """Ids of the mapped windows whose name matches the regular expression `name`."""
        return [int(line) for line in self._xdotool("search", "--onlyvisible", "--name", name).split()]

    def wait_for_window(self, name: str, timeout: float = 10.0) -> int:
        """Wait until a window named `name` (a regular expression) is mapped; its X window id."""
        deadline = time.monotonic() + timeout
        while True:
            # A search can fail outright when a window vanishes under it (BadWindow): just search again.
            found = self.find_windows(name)
            if found and self._settled(found[0]):
                return found[0]
            if time.monotonic() > deadline:
                raise DesktopEhrError(f"no window named {name!r} appeared within {timeout} s")
            time.sleep(0.05)

    def _settled(self, window: int) -> bool:
        """Whether the window has kept the same on-screen geometry for a moment (Tk may still be laying it out)."""
        try:
            first = self.geometry(window)
            time.sleep(0.05)
            return first == self.geometry(window) and first.width > 1 and first.height > 1
        except (KeyError, ValueError):
            return False

    def wait_until_gone(self, name: str, timeout: float = 10.0) -> None:
        """Wait until no mapped window matches `name`."""
        deadline = time.monotonic() + timeout
        while self.find_windows(name):
            if time.monotonic() > deadline:
                raise DesktopEhrError(f"window {name!r} still shown after {timeout} s")
            time.sleep(0.05)

    def geometry(self, window: int) -> WindowGeometry:
        """Where a window is on the screen and how large it is."""
        values = dict(line.split("=", 1) for line in self._xdotool("getwindowgeometry", "--shell", str(window)).split())
        return WindowGeometry(int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"]))


@contextmanager
def run_legacy_desktop(
    db_path: Path | None = None,
    knobs: Knobs | None = None,
    width: int = 1024,
    height: int = 768,
    display_number: int | None = None,
) -> Iterator[RunningDesktopEhr]:
    """Xvfb plus the desktop EHR on it (a temporary seed database unless `db_path` is given); both stopped on exit.

    `display_number` asks for a particular X display (":N"); by default the first free one is taken.
    """
    with tempfile.TemporaryDirectory(prefix="legacy-desktop-") as scratch:
        path = db_path if db_path is not None else Path(scratch) / "legacy_desktop.sqlite"
        with VirtualDisplay(width, height, number=display_number, background=DESKTOP_COLOUR) as display:
            ehr = RunningDesktopEhr(display, path, knobs if knobs is not None else Knobs())
            try:
                ehr.start()
                yield ehr
            finally:
                ehr.stop()

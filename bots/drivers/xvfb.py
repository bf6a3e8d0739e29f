"""A virtual X display (Xvfb) for desktop bots and tests: pick a free display, start it, wait, stop it.

No window manager runs on it, so nothing focuses or decorates windows: whoever drives an application on it
focuses windows explicitly (for example with `xdotool windowfocus --sync`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from types import TracebackType

from Xlib import display as xdisplay

from bots.processes import stop_process

# X servers put their sockets and lock files at these fixed places, whatever TMPDIR says.
X11_SOCKET_DIR = Path("/tmp/.X11-unix")  # noqa: S108
LOCK_DIR = Path("/tmp")  # noqa: S108
FIRST_CANDIDATE = 90
LAST_CANDIDATE = 600


class XvfbError(RuntimeError):
    """Xvfb is missing, would not start, or did not accept connections in time."""


def display_in_use(number: int) -> bool:
    """Whether display `number` has a socket or a lock file (left by a running or crashed X server)."""
    return (X11_SOCKET_DIR / f"X{number}").exists() or (LOCK_DIR / f".X{number}-lock").exists()


def find_free_display(start: int = FIRST_CANDIDATE, stop: int = LAST_CANDIDATE) -> int:
    """The first display number in [start, stop) with neither a socket nor a lock file."""
    for number in range(start, stop):
        if not display_in_use(number):
            return number
    raise XvfbError(f"no free X display number between {start} and {stop - 1}")


def display_accepts_connections(display: str, env: dict[str, str] | None = None) -> bool:
    """Whether an X client can connect to `display` right now (asks `xdpyinfo`)."""
    completed = subprocess.run(
        ["xdpyinfo", "-display", display],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    return completed.returncode == 0


def paint_root_window(display: str, colour: str) -> None:
    """Give the display's root window a solid background colour ("#rrggbb"), like a desktop wallpaper."""
    connection = xdisplay.Display(display)
    try:
        screen = connection.screen()
        red, green, blue = (int(colour[i : i + 2], 16) * 257 for i in (1, 3, 5))
        pixel = screen.default_colormap.alloc_color(red, green, blue).pixel
        screen.root.change_attributes(background_pixel=pixel)
        screen.root.clear_area()
        connection.sync()
    finally:
        connection.close()


class VirtualDisplay:
    """One Xvfb server; a context manager that starts it on entry and stops it (by PID) on exit.

    `display` is ":N"; `env` is a copy of the environment with DISPLAY set, for child processes.
    `background`, if given, paints the root window that colour (otherwise Xvfb's default black).
    """

    def __init__(
        self,
        width: int = 1024,
        height: int = 768,
        depth: int = 24,
        number: int | None = None,
        start_timeout: float = 10.0,
        background: str | None = None,
    ) -> None:
        self.width = width
        self.height = height
        self.depth = depth
        self.requested_number = number
        self.start_timeout = start_timeout
        self.background = background
        self.number: int | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def display(self) -> str:
        if self.number is None:
            raise XvfbError("the virtual display has not been started")
        return f":{self.number}"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> VirtualDisplay:
        """Start Xvfb and return once it accepts connections; retries another number if one is taken."""
        if self.running:
            return self
        executable = shutil.which("Xvfb")
        if executable is None:
            raise XvfbError("Xvfb is not installed (Debian package: xvfb)")
        candidate = self.requested_number if self.requested_number is not None else find_free_display()
        for _attempt in range(5):
            if self._launch(executable, candidate):
                if self.background is not None:
                    paint_root_window(self.display, self.background)
                return self
            if self.requested_number is not None:
                break
            candidate = find_free_display(candidate + 1)
        raise XvfbError(f"Xvfb did not start on :{candidate} within {self.start_timeout} s")

    def _launch(self, executable: str, number: int) -> bool:
        screen = f"{self.width}x{self.height}x{self.depth}"
        process = subprocess.Popen(
            [executable, f":{number}", "-screen", "0", screen, "-nolisten", "tcp", "-noreset"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._process, self.number = process, number
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            socket_ready = (X11_SOCKET_DIR / f"X{number}").exists()
            if socket_ready and display_accepts_connections(f":{number}", self.env):
                return True
            time.sleep(0.02)
        self.stop()
        return False

    def stop(self) -> None:
        """Stop the Xvfb this object started (by its PID) and wait for it to exit."""
        process, self._process = self._process, None
        if process is not None:
            stop_process(process)

    def __enter__(self) -> VirtualDisplay:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

"""Run the application being recorded on a display that already exists (the author's own X session).

`bots.drivers.desktop_app.DesktopApp` starts a private Xvfb, which is what bots and scripted recordings want; a
person recording by hand wants the application on the screen in front of them. This variant launches the same way
on a given display and never starts or stops an X server.
"""

from __future__ import annotations

import contextlib

from Xlib import display as xdisplay
from Xlib.error import DisplayError, XError

from bots.drivers.desktop_app import DesktopApp
from bots.errors import LegacyUnreachable


class ExistingDisplayApp(DesktopApp):
    """An application process on someone else's display (e.g. ":0")."""

    def __init__(self, command: list[str], display_name: str) -> None:
        try:
            probe = xdisplay.Display(display_name)
        except DisplayError:
            raise LegacyUnreachable(f"cannot open the X display {display_name}") from None
        screen = probe.screen()
        super().__init__(command, width=int(screen.width_in_pixels), height=int(screen.height_in_pixels))
        self._display_name = display_name
        self._x = probe

    @property
    def display(self) -> str:
        return self._display_name

    def start_display(self) -> None:
        """The display exists already; nothing to start."""

    def stop(self) -> None:
        """Stop the application this object started (by its PID) and close our connection; the display stays."""
        self.kill()
        if self._x is not None:
            with contextlib.suppress(XError, OSError):
                self._x.close()
            self._x = None

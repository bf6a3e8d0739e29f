"""A desktop application on a virtual display of its own: launch it, list its windows, close one, stop it.

Only what the X server tells everyone is used: which top-level windows are mapped, their names (the text of the
title bar) and where they are, in stacking order. One display serves one session at a time; a lock file per
display number keeps other sessions (in this or another process) off it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from Xlib import X
from Xlib import display as xdisplay
from Xlib.error import XError
from Xlib.protocol import event as xevent

from bots.drivers.xvfb import VirtualDisplay, find_free_display
from bots.errors import LegacyUnreachable
from bots.observer import Box
from bots.processes import stop_process

POLL_SECONDS = 0.02
LOCK_ATTEMPTS = 20


@dataclass(frozen=True)
class Window:
    """A mapped top-level window: its X id, its name (the title bar text) and its box on the screen."""

    id: int
    name: str
    box: Box


class DisplayLock:
    """An exclusive lock on one X display number, held for as long as a session uses that display."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.path = Path(tempfile.gettempdir()) / f"retrofhir-display-{number}.lock"
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def claim_display(requested: int | None) -> DisplayLock:
    """Lock the requested display number, or the first free one nobody else has locked."""
    if requested is not None:
        lock = DisplayLock(requested)
        if not lock.try_acquire():
            raise LegacyUnreachable(f"display :{requested} is in use by another session")
        return lock
    candidate = find_free_display()
    for _attempt in range(LOCK_ATTEMPTS):
        lock = DisplayLock(candidate)
        if lock.try_acquire():
            return lock
        candidate = find_free_display(candidate + 1)
    raise LegacyUnreachable("no free X display could be locked")


def expand_launch(command: list[str], data_dir: Path) -> list[str]:
    """The launch command with `{python}` (this interpreter) and `{data_dir}` filled in."""
    values = {"python": sys.executable, "data_dir": str(data_dir)}
    return [part.format_map(values) for part in command]


class DesktopApp:
    """One application process on one virtual display owned by this object."""

    def __init__(
        self,
        command: list[str],
        environment: dict[str, str] | None = None,
        display_number: int | None = None,
        width: int = 1024,
        height: int = 768,
    ) -> None:
        self.command = command
        self.environment = environment or {}
        self.display_number = display_number
        self.width, self.height = width, height
        self.virtual_display: VirtualDisplay | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._lock: DisplayLock | None = None
        self._x: xdisplay.Display | None = None
        self._listed: list[Window] | None = None  # the last listing, good until the X server reports a change
        self.launches = 0

    @property
    def display(self) -> str:
        if self.virtual_display is None:
            raise LegacyUnreachable("the desktop session has no display")
        return self.virtual_display.display

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, **self.environment, "DISPLAY": self.display}

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start_display(self) -> None:
        if self.virtual_display is not None and self.virtual_display.running:
            return
        self._lock = claim_display(self.display_number)
        self.virtual_display = VirtualDisplay(self.width, self.height, number=self._lock.number).start()
        self._x = xdisplay.Display(self.virtual_display.display)
        # Top-level windows mapped, unmapped, moved, restacked, created or destroyed: each one is an event for us.
        self._x.screen().root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self._x.sync()
        self._listed = None

    async def launch(self, timeout: float) -> None:
        """Start the application and wait until it shows a window."""
        self.start_display()
        self.kill()
        self.launches += 1
        try:
            self.process = subprocess.Popen(
                self.command, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        except OSError:
            raise LegacyUnreachable("the desktop application could not be started", step="launch") from None
        deadline = time.monotonic() + timeout
        while not self.windows():
            if not self.alive:
                raise LegacyUnreachable("the desktop application exited while starting", step="launch")
            if time.monotonic() > deadline:
                raise LegacyUnreachable(f"the desktop application showed no window within {timeout} s", step="launch")
            await asyncio.sleep(POLL_SECONDS)

    def windows(self) -> list[Window]:
        """Mapped named top-level windows, bottom of the stack first.

        The listing is kept until the X server reports a change (a window mapped, unmapped, moved, restacked,
        created, destroyed or renamed), so asking again on an unchanged screen costs no round trip per window.
        """
        if self._x is None:
            return []
        if self._listed is not None and not self._x_changed():
            return self._listed
        found = []
        try:
            for child in self._x.screen().root.query_tree().children:
                if child.get_attributes().map_state != X.IsViewable:
                    continue
                child.change_attributes(event_mask=X.PropertyChangeMask)  # a new title is an event too
                name = child.get_wm_name()
                if not name:
                    continue
                geometry = child.get_geometry()
                box = Box(int(geometry.x), int(geometry.y), int(geometry.width), int(geometry.height))
                found.append(Window(int(child.id), str(name), box))
        except XError:
            self._listed = None
            return []
        self._listed = found
        return found

    def _x_changed(self) -> bool:
        """Whether the X server reported any change since the last call (reading every event it sent)."""
        if self._x is None:
            return True
        changed = False
        try:
            while self._x.pending_events():
                self._x.next_event()
                changed = True
        except XError:
            return True
        return changed

    def close_window(self, window: Window) -> None:
        """Ask a window to close the way a window manager's close button does (WM_DELETE_WINDOW)."""
        if self._x is None:
            return
        protocols = self._x.intern_atom("WM_PROTOCOLS")
        delete = self._x.intern_atom("WM_DELETE_WINDOW")
        target = self._x.create_resource_object("window", window.id)
        message = xevent.ClientMessage(
            window=target, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
        )
        try:
            target.send_event(message, event_mask=X.NoEventMask)
            self._x.sync()
        except XError:
            return

    def kill(self) -> None:
        """Stop the application process this object started, by its PID."""
        process, self.process = self.process, None
        if process is not None:
            stop_process(process)

    def stop(self) -> None:
        """Stop the application, the display and release the display lock; never raises."""
        self.kill()
        if self._x is not None:
            with contextlib.suppress(XError, OSError):
                self._x.close()
            self._x = None
        if self.virtual_display is not None:
            self.virtual_display.stop()
            self.virtual_display = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

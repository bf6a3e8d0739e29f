"""Watch and use a private X display in a browser tab: x11vnc serves the display, websockify serves noVNC to it.

    with LiveView(":93") as view:
        print(view.url)        # http://127.0.0.1:<port>/vnc.html?...: open it in any browser on this machine

Both listen on 127.0.0.1 only, and the VNC server asks for a random password that only the printed URL carries,
so other users of the machine cannot watch a recording that may show (synthetic) patients. Both processes are
started in their own session and stopped by their PIDs. Debian packages: x11vnc, novnc, websockify.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from urllib.parse import urlencode

import httpx

from bots.processes import stop_process

NOVNC_WEB_ROOT = Path("/usr/share/novnc")
READY_TIMEOUT_SECONDS = 30.0


class LiveViewError(RuntimeError):
    """x11vnc, websockify or noVNC is missing, or a server did not come up in time."""


def free_local_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class LiveView:
    """x11vnc on `display` plus noVNC through websockify; a context manager that starts and stops both."""

    def __init__(self, display: str, web_root: Path = NOVNC_WEB_ROOT) -> None:
        self.display = display
        self.web_root = web_root
        self.vnc_port = 0
        self.web_port = 0
        self._password = secrets.token_urlsafe(6)[:8]  # VNC passwords are at most 8 characters
        self._processes: list[subprocess.Popen[bytes]] = []
        self._work_dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        """The noVNC page, connecting by itself to this display and scaling it to the tab."""
        query = {"autoconnect": "1", "resize": "scale", "password": self._password, "path": "websockify"}
        return f"http://127.0.0.1:{self.web_port}/vnc.html?{urlencode(query)}"

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self._processes]

    def start(self) -> LiveView:
        for program in ("x11vnc", "websockify"):
            if shutil.which(program) is None:
                raise LiveViewError(f"{program} is not installed (Debian package: {program})")
        if not (self.web_root / "vnc.html").exists():
            raise LiveViewError(f"noVNC is not in {self.web_root} (Debian package: novnc)")
        self._work_dir = tempfile.TemporaryDirectory(prefix="retrofhir-live-view-")
        password_file = Path(self._work_dir.name) / "vnc-password"
        password_file.touch(mode=0o600)
        password_file.write_text(self._password + "\n", encoding="utf-8")
        try:
            self.vnc_port = free_local_port()
            vnc_options = ["-localhost", "-passwdfile", str(password_file), "-forever", "-shared", "-noxdamage"]
            self._launch(["x11vnc", "-display", self.display, "-rfbport", str(self.vnc_port), "-quiet", *vnc_options])
            self._wait_until(lambda: _accepts_connections(self.vnc_port), "x11vnc")
            self.web_port = free_local_port()
            self._launch(
                ["websockify", "--web", str(self.web_root), f"127.0.0.1:{self.web_port}", f"127.0.0.1:{self.vnc_port}"]
            )
            self._wait_until(self._page_is_served, "websockify")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the processes this object started, by their PIDs, newest first."""
        processes, self._processes = self._processes, []
        for process in reversed(processes):
            stop_process(process)
        if self._work_dir is not None:
            self._work_dir.cleanup()
            self._work_dir = None

    def _launch(self, command: list[str]) -> None:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self._processes.append(process)

    def _page_is_served(self) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{self.web_port}/vnc.html", timeout=2).is_success
        except httpx.TransportError:
            return False

    def _wait_until(self, ready: Callable[[], bool], name: str) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not ready():
            if self._processes[-1].poll() is not None:
                raise LiveViewError(f"{name} exited with status {self._processes[-1].returncode}")
            if time.monotonic() > deadline:
                raise LiveViewError(f"{name} did not answer within {READY_TIMEOUT_SECONDS:.0f} s")
            time.sleep(0.05)

    def __enter__(self) -> LiveView:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

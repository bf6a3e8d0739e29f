"""The virtual X display helper against a real Xvfb: free numbers, readiness, size, background, stop by PID."""

from __future__ import annotations

import subprocess
from pathlib import Path

import mss
import pytest

from bots.drivers import xvfb
from bots.drivers.xvfb import VirtualDisplay, display_accepts_connections, find_free_display

pytestmark = pytest.mark.desktop


def test_a_display_with_a_socket_or_a_lock_file_is_not_free(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sockets = tmp_path / ".X11-unix"
    sockets.mkdir()
    (sockets / "X90").touch()
    (tmp_path / ".X91-lock").touch()
    monkeypatch.setattr(xvfb, "X11_SOCKET_DIR", sockets)
    monkeypatch.setattr(xvfb, "LOCK_DIR", tmp_path)
    assert find_free_display(90, 100) == 92
    with pytest.raises(xvfb.XvfbError, match="no free X display"):
        find_free_display(90, 92)


def test_two_displays_start_side_by_side_with_the_asked_size_and_stop_by_pid() -> None:
    with VirtualDisplay(width=800, height=600, background="#3a6ea5") as first, VirtualDisplay() as second:
        assert first.display != second.display
        assert first.env["DISPLAY"] == first.display
        info = subprocess.run(["xdpyinfo"], env=first.env, capture_output=True, text=True, check=True).stdout
        assert "dimensions:    800x600 pixels" in info
        with mss.MSS(display=first.display) as screen:
            shot = screen.grab(screen.monitors[0])
            assert shot.size == (800, 600)
            assert shot.pixel(400, 300) == (0x3A, 0x6E, 0xA5)
        pid = first.pid
    assert not first.running
    assert pid is not None
    assert not Path(f"/proc/{pid}").exists()
    assert not display_accepts_connections(first.display)


def test_the_display_name_is_only_known_once_started() -> None:
    display = VirtualDisplay()
    with pytest.raises(xvfb.XvfbError, match="not been started"):
        _ = display.display

"""Stopping a child process this program started: SIGTERM, a grace period, then SIGKILL."""

from __future__ import annotations

import signal
import subprocess
from typing import Any

GRACE_SECONDS = 5.0


def stop_process(process: subprocess.Popen[Any], grace_seconds: float = GRACE_SECONDS) -> None:
    """Ask `process` to exit, kill it if it has not within `grace_seconds`, and reap it (no-op if it has exited)."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace_seconds)

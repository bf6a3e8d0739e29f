"""stop_process: a child that obeys SIGTERM exits; one that ignores it is killed after the grace period."""

from __future__ import annotations

import subprocess
import sys

from bots.processes import stop_process

IGNORES_SIGTERM = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
)


def test_a_child_that_obeys_sigterm_exits_by_it() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stop_process(process)
    assert process.returncode == -15


def test_a_child_that_ignores_sigterm_is_killed() -> None:
    process = subprocess.Popen([sys.executable, "-c", IGNORES_SIGTERM], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    stop_process(process, grace_seconds=0.5)
    assert process.returncode == -9


def test_an_exited_child_is_left_alone() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(timeout=30)
    stop_process(process)
    assert process.returncode == 0

"""Which process is writing a run, and whether it is gone: how the trail tells an interrupted run from a running one.

A run's start record names its process as `host:pid:start`, where `start` is the process's start time in clock
ticks since boot (Linux), so a recycled pid is not mistaken for the original process. A process on another host
cannot be checked from here: its unfinished runs count as interrupted once nothing was recorded for them for a
while (`STALE_AFTER`).
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta
from functools import lru_cache

STALE_AFTER = timedelta(minutes=15)


def _start_ticks(pid: int) -> str | None:
    try:
        stat = open(f"/proc/{pid}/stat", encoding="ascii", errors="replace").read()  # noqa: SIM115
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


@lru_cache(maxsize=1)
def _identity(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '-'}"


def process_identity() -> str:
    """This process, as a run's start record names it."""
    return _identity(os.getpid())


def is_gone(identity: str | None) -> bool | None:
    """True when the process named is known to have ended, False when it still runs, None when it cannot be told
    (another host, or a record without one)."""
    if not identity:
        return None
    host, _, rest = identity.partition(":")
    pid_text, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    ticks = _start_ticks(int(pid_text))
    return ticks is None or (start != "-" and ticks != start)


def interrupted(identity: str | None, last_recorded: datetime, now: datetime | None = None) -> bool:
    """Whether an unfinished run is interrupted: its process is gone, or (unknowable) it has been silent too long."""
    gone = is_gone(identity)
    if gone is not None:
        return gone
    return (now or datetime.now(UTC)) - last_recorded > STALE_AFTER

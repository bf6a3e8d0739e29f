"""How busy the machine was while a benchmark ran, so every number says under what load it was measured."""

from __future__ import annotations

import os


def machine_load() -> str:
    """The 1, 5 and 15 minute load averages and the core count, as one line for a benchmark's details."""
    one, five, fifteen = os.getloadavg()
    return f"machine load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1/5/15 min) on {os.cpu_count()} cores"

"""Measuring on a shared, busy machine: how loaded it was, and ratios that cancel load drifting between runs."""

from __future__ import annotations

import os
import statistics

OVERLOADED_PER_CORE = 1.5


def machine_load() -> str:
    """The 1, 5 and 15 minute load averages and the core count, as one line for a benchmark's details."""
    one, five, fifteen = os.getloadavg()
    cores = os.cpu_count() or 1
    line = f"machine load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1/5/15 min) on {cores} cores"
    if max(one, five) > OVERLOADED_PER_CORE * cores:
        line += (
            ": the machine was overloaded by other work running at the same time, so absolute numbers are slow "
            "and even same-run ratios move between runs"
        )
    return line


def paired_ratio(measured: list[float], baseline: list[float]) -> float:
    """The median of measured[i] / baseline[i], each pair run back to back, so slow changes in load cancel out."""
    return statistics.median(value / base for value, base in zip(measured, baseline, strict=True))

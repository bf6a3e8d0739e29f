"""Measuring helpers every benchmark uses: medians of repeated runs and ratios against a same-run baseline."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class BenchResult:
    """One benchmark's outcome, in the shape `bench/results.json` records."""

    name: str
    value: float
    unit: str
    runs: int
    baseline: float | None = None
    ratio: float | None = None
    description: str = ""
    target: str = ""
    details: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "value": round(self.value, 4),
            "unit": self.unit,
            "baseline": None if self.baseline is None else round(self.baseline, 4),
            "ratio": None if self.ratio is None else round(self.ratio, 4),
            "runs": self.runs,
        }


def median_seconds(action: Callable[[], object], runs: int, warmup: int = 1) -> tuple[float, list[float]]:
    """Run `action` `warmup` times untimed, then `runs` times timed; the median and every sample, in seconds."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), samples


async def median_seconds_async(
    action: Callable[[], Awaitable[object]], runs: int, warmup: int = 1
) -> tuple[float, list[float]]:
    """The async twin of `median_seconds`."""
    for _ in range(warmup):
        await action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), samples


def percentile(samples: list[float], share: float) -> float:
    """The `share` (0..1) percentile of `samples` by nearest rank."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]

"""Smoke test of bench/bench_facade.py: both facade benchmarks run end to end with tiny counts (no timing asserted)."""

from __future__ import annotations

import asyncio

from bench import bench_facade


def test_facade_benchmarks_run() -> None:
    cached, live = asyncio.run(bench_facade.run(requests_per_round=20, rounds=1, live_repeats=1))
    assert (cached.name, cached.unit, cached.runs) == ("facade_cached_read", "requests/s", 1)
    assert cached.baseline is not None
    assert cached.ratio is not None
    assert cached.ratio > 0
    assert any(detail.startswith("facade: p50") for detail in cached.details)
    assert (live.name, live.unit, live.runs) == ("facade_live_read", "ms", 1)
    assert live.value > 0
    assert any(detail.startswith("bot (provider read)") for detail in live.details)

"""Smoke test of bench/bench_web.py: both web benchmarks run end to end with tiny counts (no timing asserted)."""

from __future__ import annotations

import asyncio
import re

from bench import bench_web

SEATS = 3  # the legacy_web screen map's seat limit: the throughput benchmark's concurrency


def test_web_benchmarks_run_and_log_in_once_per_session() -> None:
    read, throughput = asyncio.run(bench_web.run(repeats=2, reads_per_round=3, rounds=1))
    assert (read.name, read.unit, read.runs) == ("web_patient_read", "ms", 2)
    assert read.baseline is not None
    assert read.ratio is not None
    assert read.ratio > 0
    assert (throughput.name, throughput.unit) == ("web_read_throughput", "reads/s")
    assert throughput.baseline is not None
    assert throughput.ratio is not None
    assert throughput.ratio > 0
    logins = re.search(r"logins: (\d+) for (\d+) reads", " ".join(throughput.details))
    assert logins is not None
    assert int(logins.group(1)) == SEATS
    assert int(logins.group(2)) == SEATS + 3

"""Audit trail benchmark: what recording every step (screenshot, encrypt, append) adds to a web Patient read.

Three arms over the same engine, EHR and Chromium, interleaved: no screenshots and no observer (the plain read),
a screenshot per screen state with no observer (the capture alone), and the same into the real audit trail (hash,
AES-GCM, content-addressed file, hash-chained commit on the background writer, run end awaited). The capture is the
engine's own: one DevTools capture per screen state, drawn while the read-only steps of that screen run.

Besides time, each read's CPU time is measured over the whole process tree (this process with its writer thread,
Playwright's driver, Chromium's processes, the practice EHR's server): on a machine shared with other work, time
shares drift with the load while CPU shares do not, and when the cores are saturated time follows CPU.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from audit import AuditObserver, AuditSettings, AuditTrail, TrailWriter, append_new_key
from audit.schema import Run
from bench.harness import BenchResult, percentile
from bench.legacy_web_target import WebTarget, legacy_web_target
from bench.machine import machine_load
from bots.engine import SourceRuntime
from bots.observer import RunInfo, RunResult, StepRecord

TARGET_SHARE = 0.10
REPEATS = 40


def _ms(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples) * 1000:.1f} ms, p10 {percentile(samples, 0.1) * 1000:.1f}, "
        f"p90 {percentile(samples, 0.9) * 1000:.1f} (n={len(samples)})"
    )


def _paired_difference(arm: list[float], plain: list[float]) -> float:
    """Median of per-round differences: both reads ran back to back on the same patient, so slow load drift cancels."""
    return statistics.median(a - b for a, b in zip(arm, plain, strict=True))


def _tree_cpu_seconds() -> float:
    """User + system CPU time of this process and all its descendants (Linux /proc), children still running."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        used[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    tree, grown = {os.getpid()}, True
    while grown:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        grown = bool(children)
        tree |= children
    return sum(used.get(pid, 0.0) for pid in tree)


async def _timed(runtime: SourceRuntime, mrn: str) -> tuple[float, float]:
    """(seconds, CPU seconds of the whole process tree) for one read."""
    cpu_started, started = _tree_cpu_seconds(), time.perf_counter()
    await runtime.read("Patient", mrn)
    return time.perf_counter() - started, _tree_cpu_seconds() - cpu_started


class TimedObserver:
    """The audit observer, with the time the bot spends inside its calls added up (the trail's on-path cost)."""

    def __init__(self, inner: AuditObserver) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.steps = 0

    async def run_started(self, run: RunInfo) -> None:
        started = time.perf_counter()
        await self.inner.run_started(run)
        self.seconds += time.perf_counter() - started

    async def step(self, record: StepRecord) -> None:
        started = time.perf_counter()
        await self.inner.step(record)
        self.seconds += time.perf_counter() - started
        self.steps += 1

    async def run_finished(self, result: RunResult) -> None:
        started = time.perf_counter()
        await self.inner.run_finished(result)
        self.seconds += time.perf_counter() - started


async def audit_overhead(target: WebTarget, trail: AuditTrail, repeats: int) -> BenchResult:
    writer = TrailWriter(trail)
    observer = TimedObserver(AuditObserver(writer))
    arms = {
        "plain": target.runtime(),
        "screenshots": target.runtime(screenshots=True),
        "audited": target.runtime(observer=observer, screenshots=True),
    }
    try:
        for runtime in arms.values():
            await runtime.read("Patient", target.mrns[0])
        observer.seconds, observer.steps = 0.0, 0
        samples: dict[str, list[float]] = {name: [] for name in arms}
        cpu: dict[str, list[float]] = {name: [] for name in arms}
        order = list(arms)
        load_before = machine_load()
        for index in range(repeats):
            mrn = target.mrns[index % len(target.mrns)]
            for name in order[index % 3 :] + order[: index % 3]:
                seconds, cpu_seconds = await _timed(arms[name], mrn)
                samples[name].append(seconds)
                cpu[name].append(cpu_seconds)
    finally:
        writer.close()
    with trail.session() as session:
        counts = list(session.scalars(select(Run.step_count).where(Run.interaction == "Patient.read")))
    steps_per_read = statistics.median(counts) if counts else 0
    plain, shots, audited = (statistics.median(samples[name]) for name in ("plain", "screenshots", "audited"))
    on_path = observer.seconds / repeats
    capture = max(_paired_difference(samples["screenshots"], samples["plain"]), 0.0)
    whole = _paired_difference(samples["audited"], samples["plain"])
    share = (capture + on_path) / audited
    per_round = [(a - p) / a for a, p in zip(samples["audited"], samples["plain"], strict=True)]
    cpu_audit = _paired_difference(cpu["audited"], cpu["plain"])
    cpu_share = cpu_audit / statistics.median(cpu["audited"])
    return BenchResult(
        name="audit_step_overhead",
        value=share,
        unit="share",
        runs=repeats,
        baseline=plain * 1000,
        ratio=audited / plain,
        description=(
            "Share of an audited web Patient read's time spent on the audit: (capture + trail) / audited read, where "
            "capture = median over rounds of (read with the engine's screenshots - plain read), both reading the same "
            "patient in the same round (one capture per screen state), and trail = time the bot spends inside the "
            "audit observer's calls per read (queueing each screen's records for the background writer, which hashes, "
            "AES-GCM encrypts, files and chain-commits them while the bot goes on; at the run's end, waiting for its "
            "commit). baseline = plain read in ms; ratio = audited / plain median (noisy under load: see p10/p90)."
        ),
        target=f"share <= {TARGET_SHARE} ({'met' if share <= TARGET_SHARE else 'NOT met'})",
        details=[
            f"plain read: {_ms(samples['plain'])}",
            f"engine screenshots, no trail: {_ms(samples['screenshots'])}",
            f"engine screenshots into the audit trail: {_ms(samples['audited'])}",
            f"steps per read: {steps_per_read}",
            f"capture share of the audited read: {capture / audited:.3f}; trail share: {on_path / audited:.3f} "
            f"({on_path * 1000:.1f} ms per read, {on_path * 1000 / max(observer.steps / repeats, 1):.2f} ms per step)",
            f"unpaired capture (median with screenshots - median plain): {(shots - plain) * 1000:.1f} ms; paired: "
            f"{capture * 1000:.1f} ms",
            f"cross-check, (audited - plain) / audited read per round: median {whole / audited:.3f}, "
            f"p10 {percentile(per_round, 0.1):.3f}, p90 {percentile(per_round, 0.9):.3f}",
            f"CPU time per read, whole process tree (10 ms ticks): plain {_ms(cpu['plain'])}; audited "
            f"{_ms(cpu['audited'])}; audit's paired share of the audited read's CPU {cpu_share:.3f} "
            f"({cpu_audit * 1000:.0f} ms per read)",
            f"before: {load_before}",
            f"after: {machine_load()}",
        ],
    )


async def run() -> list[BenchResult]:
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as directory:
        data_dir = Path(directory)
        append_new_key(data_dir / "audit" / "keys", "bench")
        trail = AuditTrail.open(AuditSettings(key_env="RETROFHIR_BENCH_NO_KEYS"), data_dir)
        try:
            async with legacy_web_target() as target:
                return [await audit_overhead(target, trail, REPEATS)]
        finally:
            trail.close()

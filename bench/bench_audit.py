"""Audit trail benchmark: what recording every step (screenshot, encrypt, append) adds to a web Patient read.

Three arms over the same engine, EHR and Chromium, interleaved: no screenshots and no observer (the plain read),
a screenshot per screen state with no observer (the capture alone), and the same into the real audit trail (hash,
AES-GCM, content-addressed file, hash-chained commit on the background writer, run end awaited). The capture is the
engine's own: one DevTools capture per screen state, drawn while the read-only steps of that screen run.
"""

from __future__ import annotations

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


async def _timed(runtime: SourceRuntime, mrn: str) -> float:
    started = time.perf_counter()
    await runtime.read("Patient", mrn)
    return time.perf_counter() - started


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
        order = list(arms)
        for index in range(repeats):
            mrn = target.mrns[index % len(target.mrns)]
            for name in order[index % 3 :] + order[: index % 3]:
                samples[name].append(await _timed(arms[name], mrn))
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
            "audit observer's calls per read (buffering steps; at the run's end, waiting for the background writer to "
            "hash, AES-GCM encrypt, file and chain-commit the run). baseline = plain read in ms; ratio = audited / "
            "plain median (noisy under load: see p10/p90)."
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
            f"cross-check, median over rounds of (audited - plain) / audited read: {whole / audited:.3f}",
            machine_load(),
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

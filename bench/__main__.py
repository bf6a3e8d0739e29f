"""`python -m bench [NAME ...]`: run the benchmarks and write bench/results.json and docs/benchmarks.md.

Each `bench/bench_*.py` module exposes `async def run() -> list[BenchResult]`. Results of a partial run are merged
into the existing files, and every entry says when it was measured, so the table never mixes runs silently.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import platform
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import BenchResult

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_JSON = BENCH_DIR / "results.json"
REPORT_MD = BENCH_DIR.parent / "docs" / "benchmarks.md"


def _modules(selected: list[str]) -> list[str]:
    names = sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))
    if selected:
        names = [name for name in names if any(choice in name for choice in selected)]
    return names


def _machine() -> str:
    cpus = os.cpu_count() or 1  # not `nproc`: it reports OMP_NUM_THREADS, which the OCR benchmarks set to 1
    return f"{platform.system()} {platform.machine()}, {cpus} cores, Python {platform.python_version()}"


def _load_existing() -> dict[str, dict[str, object]]:
    if RESULTS_JSON.exists():
        loaded: dict[str, dict[str, object]] = json.loads(RESULTS_JSON.read_text())
        return loaded
    return {}


def _render_report(results: dict[str, dict[str, object]], notes: dict[str, dict[str, object]]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); every number is the median of repeated runs on the machine",
        f"named below, and every ratio is against a baseline measured in the same run. Machine: {_machine()}.",
        "",
        "| benchmark | value | unit | baseline | ratio | runs | target | measured |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in sorted(results):
        entry, note = results[name], notes.get(name, {})
        baseline = "" if entry["baseline"] is None else entry["baseline"]
        ratio = "" if entry["ratio"] is None else entry["ratio"]
        lines.append(
            f"| `{name}` | {entry['value']} | {entry['unit']} | {baseline} | {ratio} | {entry['runs']} "
            f"| {note.get('target', '')} | {note.get('measured_at', '')} |"
        )
    for name in sorted(results):
        note = notes.get(name, {})
        details = note.get("details") or []
        if note.get("description") or details:
            lines += ["", f"## `{name}`", "", str(note.get("description", ""))]
            lines += [f"- {detail}" for detail in details] if isinstance(details, list) else []
    return "\n".join(lines) + "\n"


async def _run_module(name: str) -> list[BenchResult]:
    module = importlib.import_module(f"bench.{name}")
    results: list[BenchResult] = await module.run()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only benchmark modules whose name contains one of these")
    arguments = parser.parse_args()
    results = _load_existing()
    notes_path = BENCH_DIR / "notes.json"
    notes: dict[str, dict[str, object]] = json.loads(notes_path.read_text()) if notes_path.exists() else {}
    failed = []
    for module_name in _modules(arguments.names):
        print(f"bench: {module_name} ...", flush=True)
        try:
            module_results = asyncio.run(_run_module(module_name))
        except Exception:
            traceback.print_exc()
            failed.append(module_name)
            continue
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        for result in module_results:
            results[result.name] = result.as_json()
            notes[result.name] = {
                "description": result.description,
                "target": result.target,
                "details": result.details,
                "measured_at": stamp,
            }
            print(f"bench:   {result.name} = {result.value:.4g} {result.unit} (ratio {result.ratio})", flush=True)
    RESULTS_JSON.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    notes_path.write_text(json.dumps(notes, indent=2, sort_keys=True) + "\n")
    REPORT_MD.write_text(_render_report(results, notes))
    if failed:
        print(f"bench: failed modules: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

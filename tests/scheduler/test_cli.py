"""`retrofhir queue list|show|replay|resolve` and `retrofhir worker` refusing to start without executors."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import anyio
import pytest
from click.testing import CliRunner, Result

from bots.errors import LegacyValidationError, WriteOutcomeUnknown
from retrofhir.cli import main
from scheduler import WriteRecord
from tests.scheduler.conftest import open_bench


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI's configuration at a temporary data directory."""
    config = tmp_path / "retrofhir.toml"
    config.write_text(f'data_dir = "{tmp_path}"\n')
    monkeypatch.setenv("RETROFHIR_CONFIG", str(config))
    monkeypatch.setenv("COLUMNS", "250")  # rich tables wide enough to show whole ids
    return tmp_path


T = TypeVar("T")


def in_own_thread(function: Callable[..., T], *args: object) -> T:
    """Call `function` on a thread of its own: the CLI runs its own event loop, and a session-scoped async
    fixture of another package may keep one marked as running on the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def invoke(*args: str) -> Result:
    return in_own_thread(CliRunner().invoke, main, list(args))


def run(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.output


async def _failed_and_unknown(data_dir: Path) -> tuple[str, str]:
    bench = await open_bench(data_dir, data_dir / "scheduler" / "queue.sqlite")
    try:
        bench.clock.now = bench.clock.now.replace(year=2020)  # due whatever the real clock says
        failed = await bench.submit("obs-1", patient="p1")
        unknown = await bench.submit("obs-2", patient="p2")
        bench.faults.add("obs-1", "fill", LegacyValidationError("rejected"))
        bench.faults.add("obs-2", "submitted", WriteOutcomeUnknown("no read-back"))
        await bench.worker().process(failed)
        await bench.worker().process(unknown)
    finally:
        await bench.engine.dispose()
    return failed, unknown


async def _records(data_dir: Path, *write_ids: str) -> list[WriteRecord]:
    bench = await open_bench(data_dir, data_dir / "scheduler" / "queue.sqlite")
    try:
        return [await bench.queue.get(write_id) for write_id in write_ids]
    finally:
        await bench.engine.dispose()


def test_list_show_replay_and_resolve(data_dir: Path) -> None:
    (data_dir / "scheduler").mkdir()
    failed, unknown = in_own_thread(anyio.run, _failed_and_unknown, data_dir)

    listing = run("queue", "list", "--review")
    assert failed in listing
    assert unknown in listing
    assert "failed (review)" in listing
    assert "unknown (review)" in listing
    shown = run("queue", "show", unknown)
    assert "verifying" in shown
    assert "submitting" in shown

    run("queue", "replay", failed, "--by", "operator")
    run("queue", "resolve", unknown, "--outcome", "failed", "--note", "not in the chart", "--by", "reviewer")

    replayed, resolved = in_own_thread(anyio.run, _records, data_dir, failed, unknown)
    assert replayed.status == "queued"
    assert resolved.status == "failed"
    assert resolved.resolution == "not in the chart"
    assert resolved.resolved_by == "reviewer"
    assert "(review)" not in run("queue", "list", "--review")


def test_replaying_an_unknown_id_is_an_error(data_dir: Path) -> None:
    result = invoke("queue", "replay", "no-such-write")
    assert result.exit_code == 1
    assert "no write with id" in result.output


def test_a_worker_without_executors_refuses_to_start(data_dir: Path) -> None:
    result = invoke("worker")
    assert result.exit_code == 1
    assert "components_factory is not set" in result.output

"""Shielded transactions: a cancellation never leaves the SQLite queue database locked or a transaction half-done."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import anyio
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from scheduler.database import create_engine
from scheduler.transactions import connected, transaction

pytestmark = pytest.mark.anyio
TRIALS = 150


async def _counter_database(path: Path) -> AsyncEngine:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with transaction(engine) as connection:
        await connection.execute(text("CREATE TABLE counters (a INTEGER, b INTEGER)"))
        await connection.execute(text("INSERT INTO counters VALUES (0, 0)"))
    return engine


def _another_process_can_write(path: Path) -> bool:
    """A fresh sqlite3 connection (as another worker's would be) takes the write lock within 0.5 s."""
    other = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


async def test_cancelling_a_caller_mid_transaction_commits_or_rolls_back_and_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite"
    engine = await _counter_database(path)
    after_block: list[int] = []
    cancelled_inside = 0
    try:
        for trial in range(TRIALS):

            async def two_updates(scope: anyio.CancelScope, trial: int = trial) -> None:
                nonlocal cancelled_inside
                async with transaction(engine) as connection:
                    await connection.execute(text("UPDATE counters SET a = a + 1"))
                    inside = scope.cancel_called
                    await connection.execute(text("UPDATE counters SET b = b + 1"))
                cancelled_inside += inside
                await anyio.sleep(0)  # a cancellation that arrived inside the transaction is delivered here
                if inside:
                    after_block.append(trial)

            async with anyio.create_task_group() as group:
                group.start_soon(two_updates, group.cancel_scope)
                # Spread the cancellations over the transaction: before, between and after its statements.
                await anyio.sleep(trial * 0.00003)
                group.cancel_scope.cancel()
            assert _another_process_can_write(path), f"database left locked by the cancelled trial {trial}"
            async with connected(engine) as connection:
                a, b = (await connection.execute(text("SELECT a, b FROM counters"))).one()
            assert a == b, f"trial {trial} committed half a transaction: {a}, {b}"
    finally:
        await engine.dispose()
    assert cancelled_inside > 0, "no cancellation arrived mid-transaction: the test did not exercise the race"
    assert not after_block, "the cancellation was swallowed instead of delivered after the transaction"

"""Database transactions that a cancellation cannot cut in half.

An anyio cancellation that arrives while an aiosqlite transaction is open also cancels SQLAlchemy's clean-up (the
rollback and the connection's return to the pool), so the connection is dropped still inside its `BEGIN IMMEDIATE`
and the SQLite database stays write-locked, for every process, until the garbage collector happens to close it.
A worker's lease heartbeat cancelled in the middle of a renewal did exactly that, and every write waited on the
lock. A transaction opened here runs to its commit or rollback first; the cancellation is delivered right after.

    async with transaction(engine) as connection: ...   # engine.begin(), shielded
    async with connected(engine) as connection: ...     # engine.connect(), shielded
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """`engine.begin()` that finishes (commit, or rollback on error) even when the caller is being cancelled."""
    with anyio.CancelScope(shield=True):
        async with engine.begin() as connection:
            yield connection


@asynccontextmanager
async def connected(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """`engine.connect()` whose connection goes back to the pool even when the caller is being cancelled."""
    with anyio.CancelScope(shield=True):
        async with engine.connect() as connection:
            yield connection

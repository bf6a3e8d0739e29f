"""Engines for the write queue's database: SQLite tuned for several processes, or PostgreSQL via psycopg."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from scheduler.tables import metadata

# Any fixed number: the PostgreSQL advisory lock that serialises schema creation between starting processes.
_SCHEMA_LOCK_KEY = 7_316_842_001


def create_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` so claims are serialised."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True)
    if parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin (see the `begin` hook below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 60000")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes can deadlock against another process; take the
        # write lock up front instead (the queue's transactions are short).
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_job_store_engine(url: str) -> AsyncEngine:
    """APScheduler's embedded SQLite store: left to APScheduler's own transaction handling, in WAL mode."""
    parsed = make_url(url)
    if parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    return engine


def is_postgresql(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


@asynccontextmanager
async def schema_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """Serialise schema creation between processes starting at once (PostgreSQL races on CREATE TABLE)."""
    if not is_postgresql(engine):
        yield
        return
    async with engine.connect() as connection:
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
        await connection.commit()
        try:
            yield
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _SCHEMA_LOCK_KEY})
            await connection.commit()


async def create_schema(engine: AsyncEngine) -> None:
    """Create the queue's tables if missing (idempotent, safe with several processes starting)."""
    async with schema_lock(engine), engine.begin() as connection:
        await connection.run_sync(metadata.create_all)

"""The audit index tables (SQLAlchemy 2, SQLite or PostgreSQL): the chain of records, its head, and runs."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ChainRecord(Base):
    """One append-only log entry: a run start, a step, a run end, a view of the trail, or a purge.

    `record_hash` covers seq, kind, run, time, the payload's hash, the screenshot's hash and the previous
    record's hash, so purging the payload and the screenshot leaves the chain verifiable.
    """

    __tablename__ = "audit_chain"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    run_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str | None] = mapped_column(Text)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_audit_chain_run", "run_id", "seq"),
        Index("ix_audit_chain_screenshot", "screenshot_sha256"),
    )


class ChainHead(Base):
    """The single row holding the last seq and hash; updating it first serialises appenders across processes."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class Run(Base):
    """A bot run and the request behind it: a query index derived from the chain's run records."""

    __tablename__ = "audit_runs"

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    interaction: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    resource_type: Mapped[str | None] = mapped_column(String(64))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    patient_id: Mapped[str | None] = mapped_column(String(64))
    client_id: Mapped[str | None] = mapped_column(String(128))
    scopes: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[str | None] = mapped_column(String(64))
    request_summary: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    succeeded: Mapped[bool | None] = mapped_column(Boolean)
    outcome_code: Mapped[str | None] = mapped_column(String(2))
    error_kind: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    response_summary: Mapped[str | None] = mapped_column(Text)
    written_resource_type: Mapped[str | None] = mapped_column(String(64))
    written_resource_id: Mapped[str | None] = mapped_column(String(64))
    step_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_steps: Mapped[int] = mapped_column(Integer, default=0)
    drift: Mapped[bool] = mapped_column(Boolean, default=False)
    step_ms_total: Mapped[float] = mapped_column(Float, default=0.0)

    __table_args__ = (
        Index("ix_audit_runs_started", "started_at"),
        Index("ix_audit_runs_patient", "patient_id"),
        Index("ix_audit_runs_written", "written_resource_type", "written_resource_id"),
    )


# The same tables for Core statements, used on the per-step write path where ORM overhead would dominate.
chain_table = cast(Table, ChainRecord.__table__)
head_table = cast(Table, ChainHead.__table__)
runs_table = cast(Table, Run.__table__)


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every time in the audit index is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def open_engine(url: str) -> Engine:
    """An engine with the tables created; SQLite gets WAL and a busy timeout so readers never block the writer."""
    is_sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": 30} if is_sqlite else {})
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: object, _record: object) -> None:
            cursor = connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    _create_tables(engine)
    return engine


def _create_tables(engine: Engine, attempts: int = 5) -> None:
    """Create missing tables; processes starting together on an empty database race, and the loser retries."""
    for attempt in range(1, attempts + 1):
        try:
            Base.metadata.create_all(engine)
            return
        except DBAPIError:
            if attempt == attempts:
                raise
            time.sleep(0.05 * attempt)

"""The local store: what bots read, versioned, keyed by stable logical ids mapped to legacy keys.

SQLAlchemy 2 (async) so the same code runs on SQLite (embedded default) and PostgreSQL (shared by many
workers). `last_updated` is when a bot saw the record; the version only moves when the content changes.
The store also remembers used client-assertion ids so a replayed assertion is refused in every process.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import DateTime, Integer, String, Text, delete, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fhir_facade.provider import JsonObject, ProvidedResource


class _Base(DeclarativeBase):
    pass


class _CurrentRow(_Base):
    __tablename__ = "fhir_resources"
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    resource_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    logical_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    legacy_key: Mapped[str] = mapped_column(String(256), index=True)
    version_id: Mapped[int] = mapped_column(Integer)
    last_updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[str] = mapped_column(Text)


class _HistoryRow(_Base):
    __tablename__ = "fhir_resource_history"
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    resource_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    logical_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[str] = mapped_column(Text)


class _UsedAssertion(_Base):
    __tablename__ = "smart_used_assertions"
    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL lets API readers proceed while a search saves what the bot saw; writers wait instead of failing.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def format_instant(moment: datetime) -> str:
    """A FHIR instant with millisecond precision in UTC."""
    return _utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class StoredResource:
    """A stored version of a resource, with the metadata the facade serves."""

    source: str
    resource_type: str
    logical_id: str
    legacy_key: str
    version_id: int
    last_updated: datetime
    body: JsonObject

    def resource(self) -> JsonObject:
        """The resource with `meta.versionId` and `meta.lastUpdated` set."""
        meta = {**self.body.get("meta", {}), "versionId": str(self.version_id)}
        meta["lastUpdated"] = format_instant(self.last_updated)
        return {"resourceType": self.resource_type, "id": self.logical_id, "meta": meta, **self.body} | {"meta": meta}

    @cached_property
    def rendered(self) -> bytes:
        """`resource()` as FHIR JSON bytes, rendered once per version: a stored read is served without re-encoding."""
        return render_json(self.resource())

    @property
    def etag(self) -> str:
        return f'W/"{self.version_id}"'

    @cached_property
    def last_modified(self) -> str:
        """`last_updated` as an HTTP date (the Last-Modified header)."""
        return format_datetime(_utc(self.last_updated), usegmt=True)


def render_json(content: Any) -> bytes:
    """Compact UTF-8 JSON, the one encoding of every FHIR body the facade sends."""
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _content(resource: JsonObject) -> JsonObject:
    body = dict(resource)
    meta = {key: value for key, value in body.pop("meta", {}).items() if key not in ("versionId", "lastUpdated")}
    if meta:
        body["meta"] = meta
    return body


def _canonical(body: JsonObject) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class LocalStore:
    """Async access to the store; `create_schema` once at start-up, `close` at shutdown."""

    def __init__(self, url: str, memory_entries: int = 10_000) -> None:
        if url.startswith("sqlite") and ":///" in url and ":memory:" not in url:
            Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        self._engine = create_async_engine(url)
        if url.startswith("sqlite"):
            event.listen(self._engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)
        # Current versions this process read or saved, newest use last: answers fresh reads without a
        # database round trip. Other processes' newer versions are found once a copy here is no longer fresh.
        self._recent: OrderedDict[tuple[str, str, str], StoredResource] = OrderedDict()
        self._memory_entries = memory_entries

    def recent(self, source: str, resource_type: str, logical_id: str) -> StoredResource | None:
        """The current version as this process last read or saved it, if it still holds it."""
        key = (source, resource_type, logical_id)
        stored = self._recent.get(key)
        if stored is not None:
            self._recent.move_to_end(key)
        return stored

    def _remember(self, stored: StoredResource) -> StoredResource:
        if self._memory_entries > 0:
            self._recent[(stored.source, stored.resource_type, stored.logical_id)] = stored
            self._recent.move_to_end((stored.source, stored.resource_type, stored.logical_id))
            while len(self._recent) > self._memory_entries:
                self._recent.popitem(last=False)
        return stored

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction finishes (and whose connection goes back) even if the caller is cancelled.

        Cancelled mid-transaction, SQLAlchemy's own clean-up would be cancelled too, leaving a SQLite connection
        holding its write lock until garbage collection (see scheduler/transactions.py).
        """
        with anyio.CancelScope(shield=True):
            async with self._sessions() as session:
                yield session

    async def create_schema(self) -> None:
        async with self._engine.begin() as connection:
            await connection.run_sync(_Base.metadata.create_all)

    async def close(self) -> None:
        await self._engine.dispose()

    async def get(self, source: str, resource_type: str, logical_id: str) -> StoredResource | None:
        async with self._session() as session:
            row = await session.get(_CurrentRow, (source, resource_type, logical_id))
            return self._remember(_from_current(row)) if row is not None else None

    async def get_version(
        self, source: str, resource_type: str, logical_id: str, version: int
    ) -> StoredResource | None:
        async with self._session() as session:
            row = await session.get(_HistoryRow, (source, resource_type, logical_id, version))
            current = await session.get(_CurrentRow, (source, resource_type, logical_id))
            if row is None or current is None:
                return None
            return StoredResource(
                source,
                resource_type,
                logical_id,
                current.legacy_key,
                version,
                _utc(row.last_updated),
                json.loads(row.body),
            )

    async def history(self, source: str, resource_type: str, logical_id: str) -> list[StoredResource]:
        """Every stored version, newest first; empty when the resource was never seen."""
        async with self._session() as session:
            current = await session.get(_CurrentRow, (source, resource_type, logical_id))
            if current is None:
                return []
            rows = await session.scalars(
                select(_HistoryRow)
                .where(
                    _HistoryRow.source == source,
                    _HistoryRow.resource_type == resource_type,
                    _HistoryRow.logical_id == logical_id,
                )
                .order_by(_HistoryRow.version_id.desc())
            )
            return [
                StoredResource(
                    source,
                    resource_type,
                    logical_id,
                    current.legacy_key,
                    row.version_id,
                    _utc(row.last_updated),
                    json.loads(row.body),
                )
                for row in rows
            ]

    async def save(self, source: str, record: ProvidedResource) -> StoredResource:
        return (await self.save_many(source, [record]))[0]

    async def save_many(self, source: str, records: Sequence[ProvidedResource]) -> list[StoredResource]:
        """Store what a bot saw; a changed body becomes a new version, an unchanged one only refreshes the time."""
        for attempt in range(2):
            try:
                async with self._session() as session, session.begin():
                    saved = [await _save_one(session, source, record) for record in records]
                return [self._remember(stored) for stored in saved]
            except IntegrityError:
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    async def remember_assertion(self, key: str, expires_at: datetime) -> bool:
        """Record a client-assertion id; False when it was already used (a replay)."""
        now = datetime.now(UTC)
        try:
            async with self._session() as session, session.begin():
                await session.execute(delete(_UsedAssertion).where(_UsedAssertion.expires_at < now))
                if await session.get(_UsedAssertion, key) is not None:
                    return False
                session.add(_UsedAssertion(key=key, expires_at=expires_at))
        except IntegrityError:
            return False
        return True


def _from_current(row: _CurrentRow) -> StoredResource:
    return StoredResource(
        row.source,
        row.resource_type,
        row.logical_id,
        row.legacy_key,
        row.version_id,
        _utc(row.last_updated),
        json.loads(row.body),
    )


async def _save_one(session: AsyncSession, source: str, record: ProvidedResource) -> StoredResource:
    body = _content(record.resource)
    canonical = _canonical(body)
    key = (source, record.resource_type, record.logical_id)
    row = await session.get(_CurrentRow, key)
    if row is None:
        row = _CurrentRow(
            source=source,
            resource_type=record.resource_type,
            logical_id=record.logical_id,
            legacy_key=record.legacy_key,
            version_id=1,
            last_updated=record.seen_at,
            body=canonical,
        )
        session.add(row)
    elif row.body != canonical:
        row.version_id += 1
        row.body = canonical
        row.legacy_key = record.legacy_key
        row.last_updated = record.seen_at
    else:
        row.last_updated = max(_utc(row.last_updated), _utc(record.seen_at))
        return _from_current(row)
    session.add(
        _HistoryRow(
            source=source,
            resource_type=record.resource_type,
            logical_id=record.logical_id,
            version_id=row.version_id,
            last_updated=record.seen_at,
            body=canonical,
        )
    )
    return _from_current(row)

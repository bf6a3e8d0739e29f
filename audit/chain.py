"""The hash chain: how a record's hash is computed and how records are appended, one writer at a time.

record_hash = SHA-256 of the UTF-8 text of these seven lines joined by "\\n":
    seq, kind, run_id, recorded_at, payload_sha256, screenshot_sha256 (or "-"), prev_hash
payload_sha256 = SHA-256 of the payload's canonical JSON (sorted keys, no spaces, UTF-8).
The first record's prev_hash is GENESIS_HASH. Anyone can re-check a chain with these two rules alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audit.schema import ChainHead, ChainRecord, chain_table, head_table

GENESIS_HASH = "0" * 64
_HEAD_ID = 1


class RecordKind:
    RUN_STARTED = "run-started"
    STEP = "step"
    RUN_FINISHED = "run-finished"
    VIEW = "view"
    WRITE_LINKED = "write-linked"
    RESPONSE = "response"
    PURGE = "purge"


# Records whose payload is patient detail and goes at retention (their hashes stay).
PURGEABLE_KINDS = (RecordKind.STEP, RecordKind.RESPONSE)


@dataclass(frozen=True)
class ChainEntry:
    """What an appender supplies; the chain adds seq, time and hashes."""

    kind: str
    run_id: str
    payload: dict[str, Any]
    screenshot_sha256: str | None = None


def canonical_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_hash(
    seq: int,
    kind: str,
    run_id: str,
    recorded_at: str,
    payload_sha256: str,
    screenshot_sha256: str | None,
    prev_hash: str,
) -> str:
    fields = [str(seq), kind, run_id, recorded_at, payload_sha256, screenshot_sha256 or "-", prev_hash]
    return sha256_text("\n".join(fields))


def hash_of(record: ChainRecord) -> str:
    """The hash `record` should carry, recomputed from its fields."""
    return record_hash(
        record.seq,
        record.kind,
        record.run_id,
        record.recorded_at,
        record.payload_sha256,
        record.screenshot_sha256,
        record.prev_hash,
    )


def timestamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def ensure_head(session: Session) -> None:
    """Create the head row once; a concurrent creator winning the race is fine."""
    if session.get(ChainHead, _HEAD_ID) is not None:
        return
    try:
        with session.begin_nested():
            session.add(ChainHead(id=_HEAD_ID, last_seq=0, last_hash=GENESIS_HASH))
    except IntegrityError:
        pass


@dataclass(frozen=True)
class Appended:
    """Where an entry landed in the chain."""

    seq: int
    record_hash: str


def append(session: Session, entries: Sequence[ChainEntry]) -> list[Appended]:
    """Append `entries` in order inside the caller's transaction.

    The first statement updates the head row, which takes the database's write lock (SQLite) or the row lock
    (PostgreSQL) before anything is read, so appenders in several processes never fork the chain. Statements go
    straight to the connection (Core, not ORM): this runs for every bot step.
    """
    if not entries:
        return []
    connection = session.connection()
    claimed = connection.execute(
        update(head_table)
        .where(head_table.c.id == _HEAD_ID)
        .values(last_seq=head_table.c.last_seq + len(entries))
        .returning(head_table.c.last_seq, head_table.c.last_hash)
    ).one()
    seq = claimed.last_seq - len(entries)
    prev = claimed.last_hash
    rows: list[dict[str, Any]] = []
    now = timestamp()
    for entry in entries:
        seq += 1
        payload = canonical_json(entry.payload)
        payload_sha256 = sha256_text(payload)
        digest = record_hash(seq, entry.kind, entry.run_id, now, payload_sha256, entry.screenshot_sha256, prev)
        rows.append(
            {
                "seq": seq,
                "kind": entry.kind,
                "run_id": entry.run_id,
                "recorded_at": now,
                "payload": payload,
                "payload_sha256": payload_sha256,
                "screenshot_sha256": entry.screenshot_sha256,
                "prev_hash": prev,
                "record_hash": digest,
            }
        )
        prev = digest
    connection.execute(insert(chain_table), rows)
    connection.execute(update(head_table).where(head_table.c.id == _HEAD_ID).values(last_hash=prev))
    return [Appended(row["seq"], row["record_hash"]) for row in rows]


def lock_head(session: Session) -> None:
    """Take the lock appenders take, until the caller's transaction ends, without appending anything."""
    session.connection().execute(
        update(head_table).where(head_table.c.id == _HEAD_ID).values(last_seq=head_table.c.last_seq)
    )


def head(session: Session) -> tuple[int, str]:
    row = session.execute(select(ChainHead.last_seq, ChainHead.last_hash).where(ChainHead.id == _HEAD_ID)).first()
    return (row.last_seq, row.last_hash) if row is not None else (0, GENESIS_HASH)

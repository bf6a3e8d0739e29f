"""Idempotency of updates: a retry of the latest update of a resource is a duplicate, a later repeat is not.

An update's content alone cannot tell a retry from a new write: after A, then B, then A again, the second A
must run. So an update's key is its content hash chained to the seq of the write accepted before it for the same
resource; a submission whose content equals the latest one's is that write (a retry) and returns its outcome.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from scheduler.tables import update_targets


@dataclass(frozen=True)
class LatestUpdate:
    """The latest write accepted for one update target, and the content key it was accepted under."""

    write_id: str
    write_seq: int
    content_key: str


def update_target(interaction: str, resource: dict[str, Any]) -> str | None:
    """The hashed `Type/id` an update writes to; None for creates and for updates without an id."""
    if not interaction.endswith(".update") or not resource.get("id"):
        return None
    name = f"{resource.get('resourceType', '')}/{resource['id']}"
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def chained_key(content_key: str, previous: LatestUpdate | None) -> str:
    """The idempotency key of an update accepted after `previous` (None: the first update of its target)."""
    after = "0" if previous is None else str(previous.write_seq)
    return hashlib.sha256(f"{content_key}\x1fafter\x1f{after}".encode()).hexdigest()


def _where(source: str, interaction: str, target: str) -> Any:
    return and_(
        update_targets.c.source == source,
        update_targets.c.interaction == interaction,
        update_targets.c.target == target,
    )


async def latest_update(connection: AsyncConnection, source: str, interaction: str, target: str) -> LatestUpdate | None:
    """The latest write for the target, locked until the caller's transaction ends (PostgreSQL; SQLite's
    write transactions are serialised already)."""
    query = select(update_targets).where(_where(source, interaction, target))
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await connection.execute(query)).mappings().first()
    if row is None:
        return None
    return LatestUpdate(row["write_id"], row["write_seq"], row["content_key"])


async def remember_update(
    connection: AsyncConnection, source: str, interaction: str, target: str, latest: LatestUpdate
) -> None:
    """Record `latest` as the target's latest write (inside the transaction that accepted it)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    values = {"write_id": latest.write_id, "write_seq": latest.write_seq, "content_key": latest.content_key}
    statement = dialect.insert(update_targets).values(source=source, interaction=interaction, target=target, **values)
    await connection.execute(
        statement.on_conflict_do_update(index_elements=["source", "interaction", "target"], set_=values)
    )

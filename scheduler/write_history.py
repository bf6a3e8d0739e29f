"""What a bot executor may ask about a write's past, from the durable tables every worker process shares.

- `reached_submit(write_id)`: did any attempt of this write get as far as the legacy Save? A record that
  check-before-write finds is then this write having landed; otherwise it is someone else's record (a duplicate).
- `client_of(write_id)`: the FHIR client that asked for it (through the facade), for the audit trail.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from scheduler.facade_queue import create_facade_schema, facade_writes
from scheduler.tables import WriteStatus, write_events
from scheduler.transactions import connected


class WriteHistory:
    """Reads the write queue's events and the facade's write records."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._schema_ready = False

    async def reached_submit(self, write_id: str) -> bool:
        # The submit gate moves a write to `verifying` immediately before the Save: that event is the evidence.
        query = (
            select(write_events.c.id)
            .where(write_events.c.write_id == write_id, write_events.c.to_status == WriteStatus.VERIFYING)
            .limit(1)
        )
        async with connected(self.engine) as connection:
            return (await connection.execute(query)).first() is not None

    async def client_of(self, write_id: str) -> str | None:
        if not self._schema_ready:
            await create_facade_schema(self.engine)
            self._schema_ready = True
        query = select(facade_writes.c.client_id).where(facade_writes.c.write_id == write_id)
        async with connected(self.engine) as connection:
            value = (await connection.execute(query)).scalars().first()
        return str(value) if value is not None else None

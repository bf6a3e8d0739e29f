"""The WriteExecutor over the bot engine: check-before-write and verified writes through one source's screen map.

    executor = BotWriteExecutor(runtime, WriteHistory(queue_engine))   # runtime: bots.SourceRuntime
    WorkerComponents(executors={"legacy_web": executor})

`find_existing` is check-before-write: for a create, the map's `find_existing` probes; for an update, a read of
the record whose fields the update flow covers already hold the new values. A record found for a create counts
as this write having landed only if an attempt of it reached submit (`WriteHistory.reached_submit`); otherwise
it was there before and the create is refused as `DuplicateRecord`, as the engine's own create would.
`write` runs the engine's create or update with the queue's `gate.before_submit()` awaited immediately before
the legacy Save; a create skips the engine's own check-before-write, which the worker has just made. Every run
carries the write's id (and the FHIR client that asked, when the history knows it), so the audit trail links runs
to writes; `on_written` hears of each verified write (to tie the resource to its runs).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from bots.engine import SourceRuntime
from bots.errors import DuplicateRecord
from bots.map_models import FillStep, ForEachStep, Step
from bots.observer import RunInfo, RunKind
from bots.writes import plan_write, same_value
from scheduler.executor import ExistingRecord, SubmitGate, VerifiedWrite, WriteRequest
from scheduler.write_history import WriteHistory

WrittenHook = Callable[[str, str, str], Awaitable[None]]


def filled_fields(steps: Iterable[Step]) -> set[str]:
    """The fields a flow types from the resource being written (its list-form `fill` steps, nested too)."""
    fields: set[str] = set()
    for step in steps:
        if isinstance(step, FillStep) and isinstance(step.fill, list):
            fields.update(step.fill)
        elif isinstance(step, ForEachStep):
            fields |= filled_fields(step.steps)
    return fields


class BotWriteExecutor:
    """Implements `scheduler.WriteExecutor` for one source."""

    def __init__(
        self, runtime: SourceRuntime, history: WriteHistory | None = None, on_written: WrittenHook | None = None
    ) -> None:
        self.runtime = runtime
        self.history = history
        self.on_written = on_written

    async def _info(self, request: WriteRequest, step: str) -> RunInfo:
        resource_type, _, _ = request.interaction.partition(".")
        client_id = await self.history.client_of(request.write_id) if self.history is not None else None
        resource_id = request.resource.get("id")
        return RunInfo(
            uuid.uuid4().hex,
            self.runtime.source_id,
            step,
            kind=RunKind.FHIR,
            resource_type=resource_type,
            resource_id=str(resource_id) if resource_id else None,
            patient_id=request.patient_key,
            client_id=client_id,
            job_id=request.write_id,
            request_summary=f"queued write {request.interaction}, attempt {request.attempt}",
        )

    async def find_existing(self, request: WriteRequest) -> ExistingRecord | None:
        resource_type, _, interaction = request.interaction.partition(".")
        info = await self._info(request, f"{resource_type}.find_existing")
        if interaction == "update":
            return await self._already_updated(request.resource, info)
        found = await self.runtime.find_existing(request.resource, info)
        if found is None:
            return None
        if self.history is not None and not await self.history.reached_submit(request.write_id):
            raise DuplicateRecord(f"a matching {resource_type} already exists", existing_key=str(found["id"]))
        return ExistingRecord(str(found["id"]), found)

    async def _already_updated(self, resource: dict[str, Any], info: RunInfo) -> ExistingRecord | None:
        resource_type = str(resource["resourceType"])
        current = await self.runtime.read(resource_type, str(resource["id"]), info)
        screen_map = self.runtime.screen_map
        wanted = plan_write(screen_map, resource, "update")
        holding = plan_write(screen_map, current, "update").values
        fields = filled_fields(wanted.flow.steps)
        if all(same_value(wanted.values.get(name, ""), holding.get(name, "")) for name in fields):
            return ExistingRecord(str(current["id"]), current)
        return None

    async def write(self, request: WriteRequest, gate: SubmitGate) -> VerifiedWrite:
        _, _, interaction = request.interaction.partition(".")
        info = await self._info(request, request.interaction)
        if interaction == "update":
            result = await self.runtime.update(request.resource, info, gate.before_submit)
        else:
            # The worker ran `find_existing` (check-before-write) for this attempt just before: not a second time.
            result = await self.runtime.create(request.resource, info, gate.before_submit, check_first=False)
        if self.on_written is not None:
            await self.on_written(request.write_id, str(result.resource["resourceType"]), result.id)
        return VerifiedWrite(result.id, result.resource)

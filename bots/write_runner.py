"""One write through the UI: check-before-write, fill and submit, then verify-after-write.

Before submit, any failure means nothing was written and the error stands. After submit, a failure is ambiguous:
the read-back decides (verified -> success; record absent -> the original error; otherwise WriteOutcomeUnknown).
If a session expires and the engine retries, a record found by the check that this runner already submitted is
verified and returned instead of being refused as a duplicate.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bots.errors import (
    BotError,
    ConfigurationError,
    DuplicateRecord,
    InputRejected,
    LegacyValidationError,
    SessionExpired,
    WriteNotVerified,
    WriteOutcomeUnknown,
)
from bots.flow_context import FlowContext
from bots.mapping import resource_lookup
from bots.results import resource_of
from bots.session import Session
from bots.step_log import StepLog
from bots.templates import MissingValue, render
from bots.writes import Record, matching_record, plan_write, verified_record

if TYPE_CHECKING:
    from bots.engine import SourceRuntime


@dataclass(frozen=True)
class WriteResult:
    """A verified write: the resource as the legacy system now holds it, and its logical id."""

    resource: dict[str, Any]
    id: str
    interaction: str


class WriteRunner:
    def __init__(
        self,
        runtime: SourceRuntime,
        resource: Mapping[str, Any],
        interaction: str,
        before_submit: Callable[[], Awaitable[None]] | None = None,
        check_first: bool = True,
    ) -> None:
        self.runtime = runtime
        self.before_submit = before_submit
        # False when the caller has just run check-before-write itself (the write queue's worker does, every attempt).
        self.check_first = check_first
        self.screen_map = runtime.screen_map
        self.resource = dict(resource)
        self.interaction = interaction
        self.resource_type = str(resource.get("resourceType", ""))
        self.resource_id = str(resource["id"]) if resource.get("id") else None
        self.plan = plan_write(self.screen_map, resource, interaction)
        self.submitted_before = False

    async def _probe(self, session: Session, log: StepLog) -> Record | None:
        for probe in self.plan.flow.find_existing:
            try:
                params = {name: render(t, resource_lookup(self.resource)) for name, t in probe.params.items()}
            except MissingValue:
                continue
            context = self.runtime.search_context(probe.flow, params)
            await self.runtime.run_flow(session, log, probe.flow, context)
            records = [item.record for item in context.emitted]
            found = matching_record(records, self.plan.values, probe.match or list(self.plan.values))
            if found is not None:
                return found
        return None

    async def existing(self, session: Session, log: StepLog) -> dict[str, Any] | None:
        record = await self._probe(session, log)
        return resource_of(self.screen_map, self.plan.binding_name, record) if record is not None else None

    async def write(self, session: Session, log: StepLog) -> WriteResult:
        # After a session expiry cut a submitted run short, the probe is what tells whether that submit landed.
        if self.interaction == "create" and (self.check_first or self.submitted_before):
            found = await self._probe(session, log)
            if found is not None:
                if self.submitted_before:
                    return self._result(found)
                resource = resource_of(self.screen_map, self.plan.binding_name, found)
                existing_key = str(resource["id"]) if resource else None
                raise DuplicateRecord(f"a matching {self.resource_type} already exists", existing_key=existing_key)
        context = FlowContext(
            values=self.plan.values,
            resource=self.resource,
            clear_absent=self.interaction == "update",
            before_submit=self.before_submit,
        )
        try:
            try:
                await self.runtime.run_flow(session, log, self.plan.flow_key, context)
            except (SessionExpired, LegacyValidationError, InputRejected):
                raise
            except BotError as error:
                if not context.submitted:
                    raise
                return await self._after_failed_submit(session, log, context, error)
            return self._result(await self._verify(session, log, context))
        finally:
            # Whatever cut this run short (a session expiry during the read-back too), a submit it made is
            # remembered, so the engine's re-run after logging in again probes first and never submits twice.
            self.submitted_before = self.submitted_before or context.submitted

    async def _read_back(self, session: Session, log: StepLog, context: FlowContext) -> tuple[Record | None, Any]:
        spec = self.plan.flow.verify
        if spec is None:
            raise ConfigurationError(f"{self.plan.flow_key} has no `verify`: a write must be read back")
        try:
            params = {name: render(template, context.lookup) for name, template in spec.params.items()}
        except MissingValue:
            raise WriteOutcomeUnknown("the written record cannot be found again to read it back") from None
        read_context = self.runtime.search_context(spec.flow, params)
        await self.runtime.run_flow(session, log, spec.flow, read_context)
        records = [item.record for item in read_context.emitted]
        return verified_record(records, spec.key, context.written)

    async def _verify(self, session: Session, log: StepLog, context: FlowContext) -> Record:
        record, mismatches = await self._read_back(session, log, context)
        if record is None:
            fields = ", ".join(sorted({mismatch.field for mismatch in mismatches}))
            raise WriteNotVerified(f"the read-back differs from what was written in: {fields}", mismatches=mismatches)
        return record

    async def _after_failed_submit(
        self, session: Session, log: StepLog, context: FlowContext, error: BotError
    ) -> WriteResult:
        try:
            record, mismatches = await self._read_back(session, log, context)
        except WriteOutcomeUnknown:
            raise
        except BotError:
            raise WriteOutcomeUnknown(f"submit was followed by {type(error).__name__} and no read-back") from error
        if record is not None:
            return self._result(record)
        if [m.field for m in mismatches] == ["(record)"]:
            raise error
        raise WriteOutcomeUnknown(f"submit was followed by {type(error).__name__}", mismatches=mismatches) from error

    def _result(self, record: Record) -> WriteResult:
        resource = resource_of(self.screen_map, self.plan.binding_name, record)
        if resource is None:
            raise WriteNotVerified("the read-back record does not make a resource of the written kind")
        return WriteResult(resource, str(resource["id"]), self.interaction)

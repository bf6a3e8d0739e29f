"""One attempt at one write: claim it, check before writing, write, verify, and record how it ended.

A write whose previous worker died is recovered here too: if that worker had reached submit, the write is only
ever read back (found: succeeded; anything else: `unknown` for a person), never written again.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

import anyio

from bots.errors import BotError, LegacyValidationError, WriteNotVerified, WriteOutcomeUnknown
from scheduler.claims import Claim, WriteClaims
from scheduler.executor import ExistingRecord, LeaseLost, VerifiedWrite, WriteExecutor
from scheduler.notify import Alerts
from scheduler.queue import WriteQueue
from scheduler.retry import Disposition, RetryPolicy
from scheduler.tables import WriteStatus

logger = logging.getLogger(__name__)


def describe_error(error: BaseException) -> str:
    """A log-safe reason: a `BotError`'s own message (PHI-free by contract), else only the exception's type."""
    if isinstance(error, BotError):
        return f"{type(error).__name__}: {error}"
    return f"{type(error).__name__} (unexpected)"


class _Gate:
    """What `WriteExecutor.write` awaits right before submitting: persists `verifying` under the lease."""

    def __init__(self, claims: WriteClaims, claim: Claim) -> None:
        self.claims = claims
        self.claim = claim
        self.submitted = False

    async def before_submit(self) -> None:
        moved = await self.claims.transition(
            self.claim, WriteStatus.VERIFYING, "submitting", release=False, submitted_at=self.claims.clock()
        )
        if not moved:
            raise LeaseLost(self.claim.write_id)
        self.submitted = True


class WriteWorker:
    """Runs claimed writes through their source's `WriteExecutor`; what every worker process's jobs call."""

    def __init__(
        self,
        queue: WriteQueue,
        claims: WriteClaims,
        executors: Mapping[str, WriteExecutor],
        policy: RetryPolicy,
        lease: timedelta,
        worker_id: str,
        alerts: Alerts,
        after_finish: Callable[[], Awaitable[object]] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.queue = queue
        self.claims = claims
        self.executors = executors
        self.policy = policy
        self.lease = lease
        self.worker_id = worker_id
        self.alerts = alerts
        self.after_finish = after_finish
        self.rng = rng or random.Random()

    async def process(self, write_id: str) -> WriteStatus | None:
        """Run the write if it is ready and ours to take; returns the status it was left in, None if not taken."""
        claim = await self.claims.claim(write_id, self.worker_id, self.lease, self.policy.max_attempts)
        if claim is None:
            return None
        status: WriteStatus | None = None
        async with anyio.create_task_group() as group:
            group.start_soon(self._heartbeat, claim, group.cancel_scope)
            try:
                status = await self._run(claim)
            except LeaseLost:
                status = None
            group.cancel_scope.cancel()
        if status is None:
            logger.warning("write %s: lease lost to another worker; this worker's outcome was discarded", write_id)
            return None
        logger.info(
            "write %s (%s on %s) attempt %d: %s",
            write_id,
            claim.request.interaction,
            claim.request.source,
            claim.attempt,
            status,
        )
        if status in (WriteStatus.FAILED, WriteStatus.UNKNOWN):
            await self.alerts.write_needs_review(await self.queue.get(write_id))
        if self.after_finish is not None:
            # The seat (and, once finished, the patient's turn) is free: let the next write start now.
            await self.after_finish()
        return status

    async def _heartbeat(self, claim: Claim, scope: anyio.CancelScope) -> None:
        interval = self.lease.total_seconds() / 3
        while True:
            await anyio.sleep(interval)
            if not await self.claims.renew(claim, self.lease):
                scope.cancel()
                return

    def _policy_for(self, claim: Claim) -> RetryPolicy:
        """This worker's policy with the budget the claim stored (this worker's, unless claimed elsewhere)."""
        return dataclasses.replace(self.policy, max_attempts=claim.record.max_attempts)

    async def _run(self, claim: Claim) -> WriteStatus:
        executor = self.executors.get(claim.request.source)
        if executor is None:
            return await self._fail(claim, "ConfigurationError", "no write executor for this source")
        if claim.recovering:
            return await self._recover(claim, executor)
        if claim.attempt > claim.record.max_attempts:
            return await self._fail(claim, "AttemptsExhausted", "workers were lost during every attempt")
        return await self._attempt(claim, executor)

    async def _attempt(self, claim: Claim, executor: WriteExecutor) -> WriteStatus:
        try:
            existing = await executor.find_existing(claim.request)
        except LeaseLost:
            raise
        except Exception as error:
            # Nothing of ours was submitted yet (a submitted write would be recovering), so a retry is safe.
            return await self._not_submitted(claim, error)
        if existing is not None:
            return await self._succeed(claim, existing, "already in the legacy record (check-before-write)")
        gate = _Gate(self.claims, claim)
        try:
            verified = await executor.write(claim.request, gate)
        except LeaseLost:
            raise
        except Exception as error:
            if not gate.submitted:
                return await self._not_submitted(claim, error)
            return await self._submitted_then_failed(claim, executor, error)
        return await self._succeed(claim, verified, "written and verified")

    async def _not_submitted(self, claim: Claim, error: Exception) -> WriteStatus:
        decision = self._policy_for(claim).decide(error, claim.attempt, self.rng)
        kind, reason = type(error).__name__, describe_error(error)
        if decision.disposition == Disposition.WAIT_FOR_SEAT:
            await self._move(
                claim,
                WriteStatus.QUEUED,
                f"waiting {decision.delay_seconds:.1f}s for a free seat (not counted as an attempt): {reason}",
                next_attempt_at=self.claims.clock() + timedelta(seconds=decision.delay_seconds),
                attempts=claim.attempt - 1,
                error_kind=kind,
                reason=reason,
            )
            return WriteStatus.QUEUED
        if decision.disposition == Disposition.RETRY:
            next_at = self.claims.clock() + timedelta(seconds=decision.delay_seconds)
            await self._move(
                claim,
                WriteStatus.QUEUED,
                f"retry in {decision.delay_seconds:.1f}s after {reason}",
                next_attempt_at=next_at,
                error_kind=kind,
                reason=reason,
            )
            return WriteStatus.QUEUED
        if decision.disposition == Disposition.DEAD_LETTER:
            return await self._fail(claim, kind, f"attempts used up; last: {reason}")
        return await self._fail(claim, kind, reason)

    async def _submitted_then_failed(self, claim: Claim, executor: WriteExecutor, error: Exception) -> WriteStatus:
        if isinstance(error, WriteOutcomeUnknown):
            return await self._unknown(claim, type(error).__name__, describe_error(error))
        if isinstance(error, WriteNotVerified):
            fields = ", ".join(mismatch.field for mismatch in error.mismatches) or "unspecified"
            return await self._fail(claim, "WriteNotVerified", f"read-back disagreed on: {fields}")
        if isinstance(error, LegacyValidationError):
            return await self._fail(claim, type(error).__name__, describe_error(error))
        return await self._read_back(claim, executor, f"error after submit: {describe_error(error)}")

    async def _recover(self, claim: Claim, executor: WriteExecutor) -> WriteStatus:
        """A previous attempt reached submit and its worker was lost: read back, never write again."""
        try:
            existing = await executor.find_existing(claim.request)
        except LeaseLost:
            raise
        except Exception as error:
            disposition = self._policy_for(claim).decide(error, claim.attempt).disposition
            retry = disposition in (Disposition.RETRY, Disposition.WAIT_FOR_SEAT)
            if isinstance(error, WriteOutcomeUnknown) or not retry:
                return await self._unknown(claim, type(error).__name__, f"read-back undecided: {describe_error(error)}")
            delay = self.policy.backoff(claim.attempt, self.rng)
            await self._move(
                claim,
                WriteStatus.VERIFYING,
                f"read-back postponed {delay:.1f}s: {describe_error(error)}",
                next_attempt_at=self.claims.clock() + timedelta(seconds=delay),
            )
            return WriteStatus.VERIFYING
        if existing is not None:
            return await self._succeed(claim, existing, "found by read-back after the submitting worker was lost")
        return await self._unknown(
            claim, "WriteOutcomeUnknown", "the submitting worker was lost and the read-back finds no such record"
        )

    async def _read_back(self, claim: Claim, executor: WriteExecutor, why: str) -> WriteStatus:
        try:
            existing = await executor.find_existing(claim.request)
        except LeaseLost:
            raise
        except Exception as error:
            return await self._unknown(claim, type(error).__name__, f"{why}; read-back failed: {describe_error(error)}")
        if existing is None:
            return await self._unknown(claim, "WriteOutcomeUnknown", f"{why}; read-back finds no such record")
        return await self._succeed(claim, existing, f"{why}; found by read-back")

    async def _succeed(self, claim: Claim, record: ExistingRecord | VerifiedWrite, reason: str) -> WriteStatus:
        await self._move(
            claim,
            WriteStatus.SUCCEEDED,
            reason,
            legacy_key=record.legacy_key,
            result_json=json.dumps(record.resource, separators=(",", ":")),
            finished_at=self.claims.clock(),
            error_kind=None,
            reason=None,
        )
        return WriteStatus.SUCCEEDED

    async def _fail(self, claim: Claim, kind: str, reason: str) -> WriteStatus:
        """Every failed write is dead-lettered: it waits for a person to replay or resolve it."""
        now = self.claims.clock()
        await self._move(
            claim, WriteStatus.FAILED, reason, error_kind=kind, reason=reason, finished_at=now, dead_lettered_at=now
        )
        return WriteStatus.FAILED

    async def _unknown(self, claim: Claim, kind: str, reason: str) -> WriteStatus:
        await self._move(
            claim, WriteStatus.UNKNOWN, reason, error_kind=kind, reason=reason, finished_at=self.claims.clock()
        )
        return WriteStatus.UNKNOWN

    async def _move(self, claim: Claim, status: WriteStatus, event_reason: str, **values: Any) -> None:
        if not await self.claims.transition(claim, status, event_reason, **values):
            raise LeaseLost(claim.write_id)

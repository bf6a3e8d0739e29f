"""Retry policy: which failures are worth another attempt, how long to wait, and when to give up."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from bots.errors import BotError, LegacyUnavailable, SeatsExhausted
from scheduler.settings import RetrySettings


class Disposition(StrEnum):
    RETRY = "retry"
    DEAD_LETTER = "dead-letter"  # transient, but the attempts are used up
    # No seat free at the legacy system (e.g. sessions of a killed worker not yet timed out): not an attempt.
    WAIT_FOR_SEAT = "wait-for-seat"
    FAIL = "fail"  # final: another attempt would fail the same way


@dataclass(frozen=True)
class RetryDecision:
    disposition: Disposition
    delay_seconds: float = 0.0


def is_transient(error: BaseException) -> bool:
    """A `BotError` says so itself; an unexpected exception (a bug, an OS hiccup) is given another chance."""
    if isinstance(error, BotError):
        return error.transient
    return isinstance(error, Exception)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay_seconds: float = 2.0
    max_delay_seconds: float = 300.0
    seat_wait_seconds: float = 15.0

    @classmethod
    def from_settings(cls, settings: RetrySettings) -> RetryPolicy:
        return cls(
            settings.max_attempts, settings.base_delay_seconds, settings.max_delay_seconds, settings.seat_wait_seconds
        )

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full jitter: uniform between 0 and the capped exponential ceiling for this attempt (1-based)."""
        exponent = min(max(attempt - 1, 0), 60)
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2.0**exponent)
        return (rng or random).uniform(0.0, ceiling)

    def decide(self, error: BaseException, attempt: int, rng: random.Random | None = None) -> RetryDecision:
        """What to do after attempt number `attempt` (1-based) failed with `error` before anything was submitted."""
        if not is_transient(error):
            return RetryDecision(Disposition.FAIL)
        if isinstance(error, SeatsExhausted):
            # Seats free up when other sessions end or time out; waiting for one does not use up the write.
            return RetryDecision(Disposition.WAIT_FOR_SEAT, (rng or random).uniform(0.5, 1.0) * self.seat_wait_seconds)
        if attempt >= self.max_attempts:
            return RetryDecision(Disposition.DEAD_LETTER)
        delay = self.backoff(attempt, rng)
        if isinstance(error, LegacyUnavailable) and error.retry_after_seconds is not None:
            # The legacy system said when to come back; never sooner, and never past the cap.
            delay = min(max(delay, error.retry_after_seconds), self.max_delay_seconds)
        return RetryDecision(Disposition.RETRY, delay)

"""Retry policy: transient vs final, full-jitter exponential backoff with a cap, dead-letter after the last try."""

from __future__ import annotations

import random

import pytest

from bots.errors import (
    AppCrashed,
    DriftError,
    LegacyServerError,
    LegacyUnavailable,
    LegacyValidationError,
    LoginRejected,
    SeatsExhausted,
    SessionExpired,
    StepTimeout,
)
from scheduler import Disposition, RetryPolicy

POLICY = RetryPolicy(max_attempts=5, base_delay_seconds=2.0, max_delay_seconds=60.0)


@pytest.mark.parametrize(
    "error",
    [StepTimeout("t"), LegacyServerError("500"), SessionExpired("s"), AppCrashed("gone")],
)
def test_transient_errors_are_retried(error: Exception) -> None:
    assert POLICY.decide(error, attempt=1).disposition == Disposition.RETRY


def test_no_free_seat_waits_without_using_an_attempt_even_on_the_last_one() -> None:
    for attempt in (1, 5):
        decision = POLICY.decide(SeatsExhausted("busy"), attempt=attempt)
        assert decision.disposition == Disposition.WAIT_FOR_SEAT
        assert POLICY.seat_wait_seconds * 0.5 <= decision.delay_seconds <= POLICY.seat_wait_seconds


@pytest.mark.parametrize("error", [LegacyValidationError("rejected"), LoginRejected("bad"), DriftError("moved")])
def test_final_errors_fail_at_once(error: Exception) -> None:
    assert POLICY.decide(error, attempt=1).disposition == Disposition.FAIL


def test_an_unexpected_exception_gets_another_chance() -> None:
    assert POLICY.decide(OSError("disk"), attempt=1).disposition == Disposition.RETRY


def test_the_last_attempt_dead_letters_a_transient_error() -> None:
    assert POLICY.decide(StepTimeout("t"), attempt=4).disposition == Disposition.RETRY
    assert POLICY.decide(StepTimeout("t"), attempt=5).disposition == Disposition.DEAD_LETTER


def test_backoff_is_full_jitter_under_an_exponential_ceiling_with_a_cap() -> None:
    rng = random.Random(1)
    for attempt, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (5, 32.0), (6, 60.0), (40, 60.0)]:
        delays = [POLICY.backoff(attempt, rng) for _ in range(400)]
        assert all(0.0 <= delay <= ceiling for delay in delays)
        # Full jitter spreads over the whole range, not just near the ceiling.
        assert min(delays) < ceiling * 0.1
        assert max(delays) > ceiling * 0.9


def test_retry_after_from_the_legacy_system_is_respected_up_to_the_cap() -> None:
    rng = random.Random(3)
    polite = POLICY.decide(LegacyUnavailable("busy", retry_after_seconds=30), attempt=1, rng=rng)
    assert polite.delay_seconds >= 30
    capped = POLICY.decide(LegacyUnavailable("busy", retry_after_seconds=600), attempt=1, rng=rng)
    assert capped.delay_seconds == 60.0

"""Session table logic with a hand-driven clock: seats, idle expiry, logout and forced expiry."""

from __future__ import annotations

import pytest

from practice_ehrs.legacy_web.sessions import SeatsExhaustedError, SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_seats_are_limited_and_freed_by_logout() -> None:
    store = SessionStore()
    first = store.open("nurse", "Night Nurse", seat_limit=2, idle_timeout_s=60)
    store.open("jdoe", "Jane Doe", seat_limit=2, idle_timeout_s=60)
    with pytest.raises(SeatsExhaustedError):
        store.open("admin", "Admin", seat_limit=2, idle_timeout_s=60)

    store.close(first.token)

    assert store.open("admin", "Admin", seat_limit=2, idle_timeout_s=60).username == "admin"


def test_idle_sessions_expire_and_free_their_seat_while_active_ones_live() -> None:
    clock = Clock()
    store = SessionStore(clock)
    idle = store.open("nurse", "Night Nurse", seat_limit=2, idle_timeout_s=60)
    busy = store.open("jdoe", "Jane Doe", seat_limit=2, idle_timeout_s=60)
    clock.now += 50
    assert store.touch(busy.token, 60) is busy
    clock.now += 20

    assert store.touch(idle.token, 60) is None
    assert store.touch(busy.token, 60) is busy
    assert store.live_count(60) == 1


def test_forced_expiry_ends_every_session() -> None:
    store = SessionStore()
    tokens = [store.open("nurse", "Night Nurse", seat_limit=3, idle_timeout_s=60).token for _ in range(3)]

    assert store.close_all() == 3
    assert all(store.touch(token, 60) is None for token in tokens)
    assert store.touch(None, 60) is None

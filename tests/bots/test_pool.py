"""The session pool against the practice web EHR: one login reused, seats as a budget, the legacy seat limit."""

from __future__ import annotations

import asyncio

import pytest

from bots.errors import SeatsExhausted
from bots.screen_map import ScreenMap
from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.bots.conftest import RuntimeFactory

pytestmark = [pytest.mark.anyio, pytest.mark.web]


def _seats(screen_map: ScreenMap, seats: int, wait_seconds: float) -> ScreenMap:
    data = screen_map.model_dump()
    data["source"]["seat_limit"] = seats
    data["source"]["timeouts"]["seat_wait_seconds"] = wait_seconds
    return ScreenMap.model_validate(data)


async def test_one_login_reused_and_seats_are_a_budget(make_runtime: RuntimeFactory, legacy_web_map: ScreenMap) -> None:
    pool = make_runtime(_seats(legacy_web_map, 1, 0.3)).pool
    first = await pool.acquire()
    with pytest.raises(SeatsExhausted) as caught:
        await pool.acquire()
    assert caught.value.transient
    await pool.release(first)
    again = await pool.acquire()
    assert again is first
    assert pool.logins == 1
    await pool.release(again)
    await pool.close()
    assert pool.open_sessions == 0


async def test_parallel_runs_use_separate_sessions(make_runtime: RuntimeFactory, legacy_web_map: ScreenMap) -> None:
    runtime = make_runtime(_seats(legacy_web_map, 2, 5))
    first, second = await asyncio.gather(runtime.read("Patient", "0100046"), runtime.read("Patient", "0100097"))
    assert (first["id"], second["id"]) == ("0100046", "0100097")
    assert runtime.pool.open_sessions == 2
    assert runtime.pool.logins == 2


async def test_the_legacy_seat_limit_is_reported(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer, legacy_web_map: ScreenMap
) -> None:
    legacy_web_clean.set_knobs(seat_limit=1)
    pool = make_runtime(_seats(legacy_web_map, 2, 5)).pool
    first = await pool.acquire()
    with pytest.raises(SeatsExhausted) as caught:
        await pool.acquire()
    assert caught.value.context.screen == "seats_full"
    await pool.release(first)


async def test_a_broken_session_hands_its_login_state_to_the_next(make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime()
    pool = runtime.pool
    broken = await pool.acquire()
    await pool.release(broken, broken=True)
    assert pool.open_sessions == 0
    replacement = await pool.acquire()
    assert replacement is not broken
    assert replacement.logged_in
    await pool.release(replacement)
    assert (await runtime.read("Patient", "0100046"))["id"] == "0100046"
    assert pool.logins == 1

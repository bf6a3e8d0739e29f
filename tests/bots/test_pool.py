"""The session pool against the practice web EHR: one login reused, seats as a budget, the legacy seat limit, logout."""

from __future__ import annotations

import asyncio

import pytest

from bots.engine import SourceRuntime
from bots.errors import SeatsExhausted
from bots.observer import RunInfo, RunResult, StepCollector
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


class RunRecorder(StepCollector):
    """Keeps the runs it is told of too: which interaction each was and whether it succeeded."""

    def __init__(self) -> None:
        super().__init__()
        self.interactions: dict[str, str] = {}
        self.succeeded: dict[str, bool] = {}

    async def run_started(self, run: RunInfo) -> None:
        self.interactions[run.run_id] = run.interaction

    async def run_finished(self, result: RunResult) -> None:
        self.succeeded[result.run_id] = result.succeeded

    def runs(self, interaction: str) -> list[str]:
        return [run_id for run_id, name in self.interactions.items() if name == interaction]


def _without_logout(screen_map: ScreenMap) -> ScreenMap:
    data = screen_map.model_dump()
    data["source"]["logout"] = None
    return ScreenMap.model_validate(data)


async def _read_two(runtime: SourceRuntime) -> None:
    await asyncio.gather(runtime.read("Patient", "0100046"), runtime.read("Patient", "0100097"))


async def test_closing_the_pool_logs_out_so_the_ehr_seats_are_free_at_once(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer, legacy_web_map: ScreenMap
) -> None:
    legacy_web_clean.set_knobs(seat_limit=2)
    observer = RunRecorder()
    first = make_runtime(_seats(legacy_web_map, 2, 5), observer=observer)
    await _read_two(first)
    await first.pool.close()
    logouts = observer.runs("logout")
    assert len(logouts) == 2
    assert all(observer.succeeded[run_id] for run_id in logouts)
    landed = [step for step in observer.steps if step.run_id in logouts and step.action == "expect"]
    assert [step.screen for step in landed] == ["login", "login"]
    assert all(step.screenshot_png for step in landed)

    second = make_runtime(_seats(legacy_web_map, 2, 5))
    await _read_two(second)  # both seats are free again: no wait for the EHR's idle timeout
    assert second.pool.logins == 2


async def test_without_a_logout_a_closed_pool_keeps_the_ehr_seats_taken(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer, legacy_web_map: ScreenMap
) -> None:
    legacy_web_clean.set_knobs(seat_limit=2)
    screen_map = _seats(_without_logout(legacy_web_map), 2, 5)
    first = make_runtime(screen_map)
    await _read_two(first)
    await first.pool.close()

    with pytest.raises(SeatsExhausted) as caught:
        await make_runtime(screen_map).read("Patient", "0100046")
    assert caught.value.context.screen == "seats_full"

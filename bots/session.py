"""One logged-in session of a legacy system: a driver plus its login state, and how it logs in and out.

Login runs through the source's hooks (bots.hooks) like any flow: `unexpected_screen` may clear an interruption
while the login screen or a success screen is awaited, and `on_screen` runs on each screen recognised. Logout (when
the map has one) runs the same way: go to its path, expect one of its screens.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bots.drivers.base import Driver
from bots.errors import BotError
from bots.flow_context import FlowContext
from bots.flow_runner import FlowRunner
from bots.hooks import EhrHooks, ObservedDriver, load_hooks
from bots.map_models import ClickStep, ExpectStep, FillStep, GotoStep, Step
from bots.recognition import wait_for_screen
from bots.screen_map import ScreenMap
from bots.step_log import StepDetail, StepLog


@dataclass
class Session:
    """A driver session the pool lends out; `logged_in` is cleared when the legacy system ends it."""

    number: int
    driver: Driver
    logged_in: bool = False
    saved_state: dict[str, Any] | None = None


async def log_in(
    screen_map: ScreenMap,
    session: Session,
    credentials: dict[str, str],
    log: StepLog,
    hooks: EhrHooks | None = None,
) -> None:
    """Go to the login screen, type the credentials, submit, and expect a success screen.

    `hooks` defaults to the source's own (`load_hooks`). Raises LoginRejected when the login screen comes back,
    SeatsExhausted on the seats-full screen.
    """
    login = screen_map.source.login
    if login is None:
        session.logged_in = True
        return
    hooks = load_hooks(screen_map.source.id) if hooks is None else hooks
    steps: list[Step] = []
    if login.path is not None:
        steps.append(GotoStep(goto=login.path))
    steps += [ExpectStep(expect=[login.screen]), FillStep(fill=list(login.fields)), ClickStep(click=login.submit)]
    values = {field: credentials[credential] for field, credential in login.fields.items()}
    runner = FlowRunner(screen_map, session.driver, log, FlowContext(values=values), hooks)
    await runner.run(steps)

    async def unexpected() -> bool:
        return await hooks.unexpected_screen(ObservedDriver(session.driver, log, "unexpected_screen", None))

    timeout = screen_map.source.timeouts.login_seconds
    started = time.perf_counter()
    try:
        landed = await wait_for_screen(
            session.driver, screen_map, login.success, timeout, logging_in=True, unexpected=unexpected
        )
        await hooks.on_screen(landed, ObservedDriver(session.driver, log, "on_screen", landed))
    except BotError as error:
        await log.record("expect", started, [StepDetail(screen=error.context.screen)], error)
        raise
    await log.record("expect", started, [StepDetail(screen=landed)])
    session.logged_in = True
    session.saved_state = await session.driver.saved_state()


async def log_out(screen_map: ScreenMap, session: Session, log: StepLog, hooks: EhrHooks | None = None) -> bool:
    """End a logged-in session through the map's `source.logout`; False when there is none or nothing to end.

    Raises the flow's BotError when the logout does not reach one of its screens (the caller decides what then).
    """
    logout = screen_map.source.logout
    if logout is None or not session.logged_in:
        return False
    hooks = load_hooks(screen_map.source.id) if hooks is None else hooks
    runner = FlowRunner(screen_map, session.driver, log, FlowContext(), hooks)
    await runner.run([GotoStep(goto=logout.path), ExpectStep(expect=list(logout.success))])
    session.logged_in = False
    session.saved_state = None
    return True

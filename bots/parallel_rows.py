"""Run a `for_each`'s rows several at a time, each on its own page of the one logged-in session.

Only for a step whose map opts in (`parallel: N`) and a driver that can open another page of its session (the web
driver's `sibling`: same browser context, so the same login and no other seat); otherwise rows run one by one.
The flow's own page takes the first row, N - 1 sibling pages the others, each page the next row not yet taken.

Every row gets its own copy of the flow's context, and what the rows emit joins the flow in the legacy list's order.
A failing row stops the rows not yet started; the rows already under way end (every wait is bounded), then the
failure of the earliest failing row is raised, so the step fails with that row's own typed error and nothing any
row emitted is kept.

Each page has its own step log (its screenshots are of that page) whose steps are held and handed on to the flow's
observer in row order, numbered on from the flow's log, as soon as every earlier row is done: the audit trail gets
the same single sequence of step indices a one-by-one run would give, each step with its real `started_at`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Protocol, runtime_checkable

from bots.drivers.base import Driver
from bots.errors import ConfigurationError
from bots.flow_context import FlowContext
from bots.observer import StepCollector
from bots.step_log import StepLog

RowRunner = Callable[[Driver, StepLog, FlowContext], Awaitable[None]]


@runtime_checkable
class PageOpener(Protocol):
    """A driver that can open another page of its own logged-in session."""

    async def sibling(self) -> Driver:
        """A driver on a new page of the same session; stopping it closes only that page."""
        ...


class OrderedRelease:
    """Hands the rows' held steps to the flow's log in row order, renumbered after the flow's own steps."""

    def __init__(self, log: StepLog, rows: int) -> None:
        self._log = log
        self._held = [StepCollector() for _ in range(rows)]
        self._row_logs: list[StepLog | None] = [None] * rows
        self._done = [False] * rows
        self._released = 0
        self._lock = asyncio.Lock()

    def row_log(self, number: int, driver: Driver) -> StepLog:
        log = StepLog(self._log.run_id, self._held[number], driver, self._log.screenshots)
        self._row_logs[number] = log
        return log

    async def row_done(self, number: int) -> None:
        self._done[number] = True
        async with self._lock:
            while self._released < len(self._done) and self._done[self._released]:
                await self._release(self._released)
                self._released += 1

    async def rest(self) -> None:
        """Every row's steps not handed on yet (after a failure: the rows under way and those never started)."""
        async with self._lock:
            while self._released < len(self._done):
                await self._release(self._released)
                self._released += 1

    async def _release(self, number: int) -> None:
        row_log = self._row_logs[number]
        if row_log is not None:
            self._log.drift += row_log.drift
            self._log.observer_failures += row_log.observer_failures
        for record in self._held[number].steps:
            step = replace(record, index=self._log.next_index)
            self._log.next_index += 1
            try:
                await self._log.observer.step(step)
            except Exception:  # an audit hook must never change what the bot does
                self._log.observer_failures += 1


async def run_rows_in_parallel(
    driver: Driver, log: StepLog, contexts: list[FlowContext], pages: int, run_row: RowRunner
) -> None:
    """Run `run_row` once per context on up to `pages` pages of the session; raise the earliest row's failure."""
    if not isinstance(driver, PageOpener):
        raise ConfigurationError("this driver cannot open another page of its session for `parallel` rows")
    await log.flush()  # the flow's steps so far go out before any row's
    release = OrderedRelease(log, len(contexts))
    failures: dict[int, Exception] = {}
    pending: Iterator[int] = iter(range(len(contexts)))

    async def work_on(page: Driver) -> None:
        for number in pending:
            if failures:
                return
            row_log = release.row_log(number, page)
            try:
                await run_row(page, row_log, contexts[number])
            except Exception as error:
                failures[number] = error
            finally:
                await row_log.flush()
                await release.row_done(number)

    siblings: list[Driver] = []
    try:
        for _ in range(min(pages, len(contexts)) - 1):
            siblings.append(await driver.sibling())
        await asyncio.gather(*(work_on(page) for page in [driver, *siblings]))
    finally:
        for sibling in siblings:
            await sibling.stop()
        await release.rest()
    if failures:
        raise failures[min(failures)]

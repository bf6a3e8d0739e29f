"""The session pool of one source: log in once per session and reuse it, never more sessions than seats.

A session is borrowed for one run and given back. When the legacy system ends a session (the login screen shows up
mid-flow) the engine asks the pool to log that session in again and runs the flow once more. If a session's driver
breaks (a browser crash), the next new session starts from its saved login state (web: cookies) and logs in only
if that state no longer works. Waiting for a free seat is bounded; a run that cannot get one fails with
SeatsExhausted (transient). `logins` counts real logins. Closing the pool logs its idle sessions out when the map
says how (`source.logout`), so a stopped bot does not hold the legacy system's seats until its idle timeout.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from bots.credentials import CredentialStore
from bots.drivers.base import Driver
from bots.errors import BotError, ErrorSummary, SeatsExhausted
from bots.hooks import EhrHooks
from bots.observer import NullObserver, RunInfo, RunKind, RunObserver, RunResult
from bots.screen_map import ScreenMap
from bots.session import Session, log_in, log_out
from bots.step_log import StepLog

DriverFactory = Callable[[], Driver]
logger = logging.getLogger(__name__)


class SessionPool:
    """Sessions of one source, at most `seat_limit` at a time."""

    def __init__(
        self,
        screen_map: ScreenMap,
        driver_factory: DriverFactory,
        credentials: CredentialStore,
        observer: RunObserver | None = None,
        screenshots: bool = True,
        hooks: EhrHooks | None = None,
    ) -> None:
        self.screen_map = screen_map
        self._hooks = hooks
        self.seat_limit = screen_map.source.seat_limit
        self._driver_factory = driver_factory
        self._credentials = credentials
        self._observer = observer or NullObserver()
        self._screenshots = screenshots
        self._seats = asyncio.Semaphore(self.seat_limit)
        self._idle: list[Session] = []
        self._sessions: list[Session] = []
        self._created = 0
        self._orphaned_states: list[dict[str, Any]] = []
        self.logins = 0

    @property
    def open_sessions(self) -> int:
        return len(self._sessions)

    async def _new_session(self) -> Session:
        """A fresh driver session; it inherits the login state of a session that broke, if one did."""
        self._created += 1
        state = self._orphaned_states.pop() if self._orphaned_states else None
        session = Session(number=self._created, driver=self._driver_factory(), saved_state=state)
        await session.driver.start(state)
        session.logged_in = state is not None
        self._sessions.append(session)
        return session

    async def log_in(self, session: Session) -> None:
        """Log a session in (again), reported to the observer as a run of its own."""
        credentials = self._credentials.resolve(self.screen_map.source)
        run_id = uuid.uuid4().hex
        info = RunInfo(run_id, self.screen_map.source.id, "login", kind=RunKind.SYNC)
        await quietly(self._observer.run_started(info))
        log = StepLog(run_id, self._observer, session.driver, self._screenshots)
        session.logged_in = False
        self.logins += 1
        try:
            await log_in(self.screen_map, session, credentials, log, self._hooks)
        except BotError as error:
            await log.flush()
            await quietly(
                self._observer.run_finished(RunResult(run_id, False, datetime.now(UTC), ErrorSummary.of(error)))
            )
            raise
        await log.flush()
        await quietly(self._observer.run_finished(RunResult(run_id, True, datetime.now(UTC))))

    async def acquire(self) -> Session:
        timeout = self.screen_map.source.timeouts.seat_wait_seconds
        try:
            await asyncio.wait_for(self._seats.acquire(), timeout)
        except TimeoutError:
            raise SeatsExhausted(
                f"all {self.seat_limit} sessions stayed busy for {timeout} s",
                retry_after_seconds=timeout,
                source=self.screen_map.source.id,
            ) from None
        session: Session | None = None
        try:
            if not self._idle:
                self._credentials.resolve(self.screen_map.source)
            session = self._idle.pop() if self._idle else await self._new_session()
            if not session.logged_in:
                await self.log_in(session)
        except BaseException:
            if session is not None:
                self._idle.append(session)
            self._seats.release()
            raise
        return session

    async def release(self, session: Session, *, broken: bool = False) -> None:
        """Give a session back; a broken one (its driver failed) is closed, its login state kept for the next."""
        try:
            if broken or session not in self._sessions:
                if broken and session.logged_in and session.saved_state is not None:
                    self._orphaned_states.append(session.saved_state)
                await self._discard(session)
            else:
                self._idle.append(session)
        finally:
            self._seats.release()

    async def _discard(self, session: Session) -> None:
        if session in self._sessions:
            self._sessions.remove(session)
        await session.driver.stop()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        session = await self.acquire()
        broken = False
        try:
            yield session
        except BotError:
            raise
        except BaseException:
            broken = True
            raise
        finally:
            await self.release(session, broken=broken)

    async def log_out(self, session: Session) -> None:
        """Log an idle session out, reported as a run of its own; bounded, and a failure only costs the seat's wait."""
        run_id = uuid.uuid4().hex
        log = StepLog(run_id, self._observer, session.driver, self._screenshots)
        info = RunInfo(run_id, self.screen_map.source.id, "logout", kind=RunKind.SYNC)
        await quietly(self._observer.run_started(info))
        error: ErrorSummary | None = None
        try:
            async with asyncio.timeout(self.screen_map.source.timeouts.navigation_seconds):
                await log_out(self.screen_map, session, log, self._hooks)
        except BotError as failure:
            error = ErrorSummary.of(failure)
        except TimeoutError:
            error = ErrorSummary("StepTimeout", "the logout did not finish in time")
        if error is not None:
            logger.warning("%s: a session could not log out (%s)", self.screen_map.source.id, error.kind)
        await log.flush()
        await quietly(self._observer.run_finished(RunResult(run_id, error is None, datetime.now(UTC), error)))

    async def close(self) -> None:
        """Log idle sessions out (if the map says how) and close every session now."""
        idle, self._idle = self._idle, []
        for session in idle:
            if session.logged_in and self.screen_map.source.logout is not None:
                await self.log_out(session)
            await self._discard(session)
        for session in list(self._sessions):
            await self._discard(session)


async def quietly(call: Awaitable[None]) -> None:
    """Await an observer call; an audit hook must never change what the bot does, so its errors stop here."""
    try:
        await call
    except Exception:
        return

"""Logged-in sessions of the practice web EHR: idle timeout and a limit on concurrent logins (seats).

Sessions live in memory, as in the servlet containers of the time: a restart logs everybody out.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class SeatsExhaustedError(Exception):
    """Every seat is taken by a live session."""


@dataclass
class Session:
    token: str
    username: str
    display_name: str
    last_seen: float = field(default_factory=time.monotonic)
    notice_pending: bool = False  # the maintenance notice showed and must be acknowledged before anything else
    notice_acknowledged: bool = False


class SessionStore:
    """Thread-safe session table; a session idle longer than the timeout is gone and frees its seat."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, username: str, display_name: str, seat_limit: int, idle_timeout_s: float) -> Session:
        """Start a session, or raise `SeatsExhaustedError` when `seat_limit` live sessions exist."""
        with self._lock:
            self._purge(idle_timeout_s)
            if len(self._sessions) >= seat_limit:
                raise SeatsExhaustedError
            session = Session(secrets.token_hex(16), username, display_name, self._clock())
            self._sessions[session.token] = session
            return session

    def touch(self, token: str | None, idle_timeout_s: float) -> Session | None:
        """The live session for `token`, its idle clock restarted; None when unknown or expired."""
        with self._lock:
            self._purge(idle_timeout_s)
            session = self._sessions.get(token or "")
            if session is not None:
                session.last_seen = self._clock()
            return session

    def close(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def close_all(self) -> int:
        """End every session (forced expiry); returns how many there were."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
            return count

    def purge(self, idle_timeout_s: float) -> None:
        with self._lock:
            self._purge(idle_timeout_s)

    def live_count(self, idle_timeout_s: float) -> int:
        with self._lock:
            self._purge(idle_timeout_s)
            return len(self._sessions)

    def _purge(self, idle_timeout_s: float) -> None:
        now = self._clock()
        for token in [token for token, s in self._sessions.items() if now - s.last_seen > idle_timeout_s]:
            del self._sessions[token]

"""Every way a bot run can fail, as one tree; each error says where it happened.

    BotError                        source, screen, step, locator, screenshot_id on every error
    ├── ScreenMapError              a screen map is malformed (carries file and line)
    ├── ConfigurationError          missing credentials, unknown source or interaction
    ├── LoginRejected               the legacy system refused the configured credentials
    ├── LegacyUnavailable           transient: the legacy system cannot serve right now (retry later)
    │   ├── LegacyUnreachable       connection refused, app will not start, window never appears
    │   ├── LegacyServerError       the legacy system showed its own error page (HTTP 500, crash dialog)
    │   ├── SeatsExhausted          every concurrent-login seat is in use
    │   ├── SessionExpired          the session ended mid-flow (login screen appeared)
    │   └── AppCrashed              the desktop application's process or window disappeared
    ├── StepTimeout                 a screen or element did not appear within its timeout
    ├── DriftError                  the UI no longer matches its screen map
    │   ├── ScreenNotRecognized     no screen's signals match what is shown
    │   ├── ElementNotFound         no locator of a field matched
    │   └── AmbiguousElement        a locator matched several elements and no later one matched once
    ├── RecordNotFound              the legacy system has no such record
    ├── DuplicateRecord             a create would duplicate a record that already exists
    ├── InputRejected               a value cannot be typed literally (e.g. a control character); nothing typed
    ├── LegacyValidationError       the legacy UI rejected the input with its own error message; final
    └── WriteNotVerified            after submit, the read-back disagrees with what was written
        └── WriteOutcomeUnknown     the run died between submit and read-back and the read-back cannot decide

`transient` says whether running the same thing again later may succeed; the scheduler's retry policy reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass
class ErrorContext:
    """Where in a bot run an error happened; every field is optional because errors arise at every depth."""

    source: str | None = None
    screen: str | None = None
    step: str | None = None
    locator: str | None = None
    screenshot_id: str | None = None

    def describe(self) -> str:
        parts = [f"{name}={value}" for name, value in vars(self).items() if value is not None]
        return ", ".join(parts)


class BotError(Exception):
    """Base of every bot failure. Messages must never contain patient data: they reach logs."""

    transient: ClassVar[bool] = False

    def __init__(self, message: str, context: ErrorContext | None = None, /, **where: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.context = context if context is not None else ErrorContext(**where)
        if context is not None:
            for name, value in where.items():
                if value is not None:
                    setattr(self.context, name, value)

    def __str__(self) -> str:
        where = self.context.describe()
        return f"{self.message} ({where})" if where else self.message


@dataclass
class MapProblem:
    """One thing wrong in a screen map, located by file and line."""

    file: str
    line: int | None
    location: str
    message: str

    def __str__(self) -> str:
        line = f":{self.line}" if self.line is not None else ""
        return f"{self.file}{line}: {self.location}: {self.message}"


class ScreenMapError(BotError):
    """A screen map failed to load; `problems` lists each mistake with its file and line."""

    def __init__(self, problems: list[MapProblem], source: str | None = None) -> None:
        self.problems = problems
        summary = "; ".join(str(problem) for problem in problems[:5])
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"invalid screen map: {summary}{more}", source=source)


class ConfigurationError(BotError):
    """The deployment is missing something a run needs: a credential, a source, an interaction."""


class LoginRejected(BotError):
    """The legacy system refused the configured credentials; retrying will not help until they change."""


class LegacyUnavailable(BotError):
    """The legacy system cannot serve now; a later attempt may succeed."""

    transient = True

    def __init__(self, message: str, retry_after_seconds: float | None = None, **where: str | None) -> None:
        super().__init__(message, **where)
        self.retry_after_seconds = retry_after_seconds


class LegacyUnreachable(LegacyUnavailable):
    """The legacy system could not be reached or started."""


class LegacyServerError(LegacyUnavailable):
    """The legacy system showed its own error page instead of the screen expected."""


class SeatsExhausted(LegacyUnavailable):
    """Every concurrent-login seat the legacy system allows is in use."""


class SessionExpired(LegacyUnavailable):
    """The legacy session ended mid-flow; the pool re-logs in and the flow runs again."""


class AppCrashed(LegacyUnavailable):
    """The desktop application's process or window disappeared."""


class StepTimeout(BotError):
    """A screen or element did not appear within its timeout."""

    transient = True


class DriftError(BotError):
    """The legacy UI no longer matches its screen map: a person has to update the map."""


class ScreenNotRecognized(DriftError):
    """None of the expected screens' recognition signals matched."""


class ElementNotFound(DriftError):
    """No locator of a field matched on a recognised screen."""


class AmbiguousElement(DriftError):
    """A locator matched several elements and no later fallback matched exactly one."""


class RecordNotFound(BotError):
    """The legacy system has no record with the key asked for."""


class DuplicateRecord(BotError):
    """A create would duplicate an existing record (same identifier, or same name and birth date)."""

    def __init__(self, message: str, existing_key: str | None = None, **where: str | None) -> None:
        super().__init__(message, **where)
        self.existing_key = existing_key


class InputRejected(BotError):
    """A value cannot be entered literally into the legacy UI; nothing was typed."""


class LegacyValidationError(BotError):
    """The legacy UI rejected the input with its own error message (kept without patient data)."""


@dataclass
class FieldMismatch:
    """One field whose read-back value differs from what was written."""

    field: str
    expected: str
    actual: str


class WriteNotVerified(BotError):
    """After submit, reading the record back disagreed with what was written."""

    def __init__(self, message: str, mismatches: list[FieldMismatch] | None = None, **where: str | None) -> None:
        super().__init__(message, **where)
        self.mismatches = mismatches if mismatches is not None else []


class WriteOutcomeUnknown(WriteNotVerified):
    """The run stopped between submit and read-back and the read-back could not decide: a person must look."""


@dataclass
class ErrorSummary:
    """A log-safe description of an error: its class name, message and where it happened."""

    kind: str
    message: str
    context: ErrorContext = field(default_factory=ErrorContext)

    @classmethod
    def of(cls, error: BotError) -> ErrorSummary:
        return cls(kind=type(error).__name__, message=error.message, context=error.context)

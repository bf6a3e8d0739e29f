"""OperationOutcome: the one shape every facade error takes, and the exception that carries it to HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class IssueCode(StrEnum):
    """The R4 `issue-type` codes the facade uses."""

    INVALID = "invalid"
    STRUCTURE = "structure"
    REQUIRED = "required"
    VALUE = "value"
    SECURITY = "security"
    LOGIN = "login"
    FORBIDDEN = "forbidden"
    PROCESSING = "processing"
    NOT_SUPPORTED = "not-supported"
    DUPLICATE = "duplicate"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    TOO_LONG = "too-long"
    TOO_COSTLY = "too-costly"
    EXCEPTION = "exception"
    TIMEOUT = "timeout"
    TRANSIENT = "transient"
    INCOMPLETE = "incomplete"
    INFORMATIONAL = "informational"


class Severity(StrEnum):
    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"


@dataclass(frozen=True)
class Issue:
    """One OperationOutcome.issue."""

    code: IssueCode
    diagnostics: str
    severity: Severity = Severity.ERROR
    expression: str | None = None

    def as_json(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": self.severity.value,
            "code": self.code.value,
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    """An OperationOutcome resource (as JSON) holding `issues`."""
    return {"resourceType": "OperationOutcome", "issue": [issue.as_json() for issue in issues]}


@dataclass
class FhirError(Exception):
    """Raised anywhere in the facade; the app turns it into `status` + an OperationOutcome body."""

    status: int
    code: IssueCode
    diagnostics: str
    expression: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    extra_issues: list[Issue] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.diagnostics)

    def outcome(self) -> dict[str, Any]:
        first = Issue(self.code, self.diagnostics, Severity.ERROR, self.expression)
        return operation_outcome([first, *self.extra_issues])

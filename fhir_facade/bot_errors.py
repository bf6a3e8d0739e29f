"""The one table from `bots.errors` classes to HTTP status and OperationOutcome issue code.

Looked up along the error class's MRO, so a new subclass inherits its parent's mapping. Messages of bot errors
never hold patient data (bots/errors.py promises it), so they may go into diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass

from bots import errors
from fhir_facade.outcomes import FhirError, IssueCode

DEFAULT_RETRY_AFTER_SECONDS = 30


@dataclass(frozen=True)
class HttpMapping:
    status: int
    code: IssueCode


BOT_ERROR_HTTP: dict[type[errors.BotError], HttpMapping] = {
    errors.RecordNotFound: HttpMapping(404, IssueCode.NOT_FOUND),
    errors.DuplicateRecord: HttpMapping(409, IssueCode.DUPLICATE),
    errors.LegacyValidationError: HttpMapping(422, IssueCode.PROCESSING),
    errors.InputRejected: HttpMapping(422, IssueCode.VALUE),
    errors.DriftError: HttpMapping(502, IssueCode.EXCEPTION),
    errors.LoginRejected: HttpMapping(502, IssueCode.SECURITY),
    errors.LegacyUnavailable: HttpMapping(503, IssueCode.TRANSIENT),
    errors.StepTimeout: HttpMapping(504, IssueCode.TIMEOUT),
    errors.WriteNotVerified: HttpMapping(500, IssueCode.EXCEPTION),
    errors.ConfigurationError: HttpMapping(500, IssueCode.EXCEPTION),
    errors.BotError: HttpMapping(500, IssueCode.EXCEPTION),
}


def mapping_for(error_class: type[errors.BotError]) -> HttpMapping:
    for klass in error_class.__mro__:
        if klass in BOT_ERROR_HTTP:
            return BOT_ERROR_HTTP[klass]
    return BOT_ERROR_HTTP[errors.BotError]


def error_class_named(kind: str) -> type[errors.BotError]:
    """The bots.errors class an ErrorSummary names (it keeps the class name), BotError when unknown."""
    candidate = getattr(errors, kind, None)
    if isinstance(candidate, type) and issubclass(candidate, errors.BotError):
        return candidate
    return errors.BotError


def http_error(
    error_class: type[errors.BotError],
    message: str,
    *,
    retry_after_seconds: float | None = None,
    status_url: str | None = None,
) -> FhirError:
    """The FhirError for a bot failure: status and issue code from the table, Retry-After, status link."""
    mapping = mapping_for(error_class)
    headers: dict[str, str] = {}
    diagnostics = f"{error_class.__name__}: {message}"
    if mapping.status == 503:
        headers["Retry-After"] = str(round(retry_after_seconds or DEFAULT_RETRY_AFTER_SECONDS))
    if issubclass(error_class, errors.WriteNotVerified) and status_url:
        headers["Content-Location"] = status_url
        diagnostics += f"; the write's status: {status_url}"
    return FhirError(mapping.status, mapping.code, diagnostics, headers=headers)


def from_bot_error(error: errors.BotError, status_url: str | None = None) -> FhirError:
    retry_after = error.retry_after_seconds if isinstance(error, errors.LegacyUnavailable) else None
    return http_error(type(error), error.message, retry_after_seconds=retry_after, status_url=status_url)

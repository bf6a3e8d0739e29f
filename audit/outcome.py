"""A run's outcome as an AuditEvent outcome code (0 success, 4 minor, 8 serious, 12 major failure)."""

from __future__ import annotations

SUCCESS = "0"
MINOR_FAILURE = "4"
SERIOUS_FAILURE = "8"
MAJOR_FAILURE = "12"

OUTCOME_LABELS = {
    SUCCESS: "success",
    MINOR_FAILURE: "minor failure",
    SERIOUS_FAILURE: "serious failure",
    MAJOR_FAILURE: "major failure",
}

# The request was fine for the bot but not for the record: the caller's problem, nothing is broken.
_MINOR = {"RecordNotFound", "DuplicateRecord", "InputRejected", "LegacyValidationError"}
# Written data may be wrong or missing in the legacy system: someone has to look.
_MAJOR = {"WriteNotVerified", "WriteOutcomeUnknown"}


def outcome_code(succeeded: bool, error_kind: str | None) -> str:
    """Failures the caller caused are minor, a written record in doubt is major, everything else is serious."""
    if succeeded:
        return SUCCESS
    if error_kind in _MINOR:
        return MINOR_FAILURE
    if error_kind in _MAJOR:
        return MAJOR_FAILURE
    return SERIOUS_FAILURE

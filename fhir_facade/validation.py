"""Strict validation of resources coming in (and, in tests, going out): fhir.resources R4B models + bindings.

Turns every failure into a FhirError whose OperationOutcome names the element, never echoing the values
(request bodies hold patient data).
"""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from fhir_facade.bindings import binding_violations
from fhir_facade.outcomes import FhirError, Issue, IssueCode

_STRUCTURE_ERRORS = frozenset({"extra_forbidden", "missing", "model_type", "list_type", "dict_type"})


def is_fhir_resource_type(resource_type: str) -> bool:
    try:
        get_fhir_model_class(resource_type)
    except (ValueError, KeyError):
        return False
    return True


def parse_json(raw: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or 400 `structure`."""
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FhirError(400, IssueCode.STRUCTURE, f"the body is not valid JSON ({type(error).__name__})") from None
    if not isinstance(body, dict):
        raise FhirError(400, IssueCode.STRUCTURE, "the body must be a JSON object (a FHIR resource)")
    return body


def validation_issues(error: ValidationError) -> list[Issue]:
    """OperationOutcome issues for a pydantic error, located by element path, values left out."""
    issues = []
    for detail in error.errors(include_input=False, include_url=False):
        location = ".".join(str(part) for part in detail["loc"])
        code = IssueCode.STRUCTURE if detail["type"] in _STRUCTURE_ERRORS else IssueCode.VALUE
        message = str(detail["msg"]).split("\n")[0].strip()
        issues.append(Issue(code, f"{location or 'resource'}: {message}", expression=location or None))
    return issues


def validate_resource(body: dict[str, Any], expected_type: str | None = None) -> dict[str, Any]:
    """Check `body` is a valid R4 resource (of `expected_type` if given); returns it normalised."""
    resource_type = body.get("resourceType")
    if not isinstance(resource_type, str):
        raise FhirError(400, IssueCode.REQUIRED, "resourceType is missing", expression="resourceType")
    if expected_type is not None and resource_type != expected_type:
        raise FhirError(
            400,
            IssueCode.INVALID,
            f"resourceType {resource_type!r} does not match the {expected_type} endpoint",
            expression="resourceType",
        )
    if not is_fhir_resource_type(resource_type):
        raise FhirError(400, IssueCode.NOT_SUPPORTED, f"unknown resource type {resource_type!r}")
    try:
        model = get_fhir_model_class(resource_type).model_validate(body)
    except ValidationError as error:
        issues = validation_issues(error)
        raise FhirError(
            400, issues[0].code, issues[0].diagnostics, issues[0].expression, extra_issues=issues[1:]
        ) from None
    violations = binding_violations(body)
    if violations:
        issues = [
            Issue(IssueCode.VALUE, f"{path}: value is not in the required value set", expression=path)
            for path, _ in violations
        ]
        raise FhirError(422, IssueCode.VALUE, issues[0].diagnostics, issues[0].expression, extra_issues=issues[1:])
    normalised: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, by_alias=True)
    return normalised

"""Which FHIR interaction a request is and whose data it touched, as the facade's audit records name them.

    request = fhir_request(scope)          # source, type, id, interaction, patient search value; None if not FHIR
    patient_of(request, answer_body)       # the one patient the path, the search or the answer names, else None

Query values stay out of `FhirRequest` (they may be PHI) except the patient a search names, which the audit record
needs. Used by fhir_facade.audit_recorder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import Scope

_FHIR_PATH = re.compile(r"^/fhir/(?P<source>[^/]+)/(?P<type>[A-Z][A-Za-z]+)(?:/(?P<id>[^/]+))?(?P<rest>/.*)?$")


@dataclass(frozen=True)
class FhirRequest:
    """The parts of a FHIR request path an audit record needs (no query values: they may be PHI)."""

    source: str
    resource_type: str
    resource_id: str | None
    interaction: str
    patient_param: str | None


def fhir_request(scope: Scope) -> FhirRequest | None:
    """The interaction a request asks for, or None for what is not a FHIR interaction on a resource type."""
    match = _FHIR_PATH.match(scope.get("path", ""))
    if match is None:
        return None
    resource_id, rest, method = match["id"], match["rest"] or "", scope.get("method", "GET")
    if method == "GET" and resource_id is None:
        interaction = "search"
    elif method == "POST" and resource_id == "_search" and not rest:
        interaction, resource_id = "search", None
    elif method == "GET" and resource_id and rest.startswith("/_history"):
        interaction = "vread"
    elif method == "GET" and resource_id and not rest:
        interaction = "read"
    elif method == "POST" and resource_id is None:
        interaction = "create"
    elif method == "PUT" and resource_id and not rest:
        interaction = "update"
    else:
        return None
    query = dict(_query_pairs(scope))
    patient = query.get("patient") or query.get("subject")
    return FhirRequest(match["source"], match["type"], resource_id, interaction, patient)


def _query_pairs(scope: Scope) -> list[tuple[str, str]]:
    return parse_qsl(scope.get("query_string", b"").decode("latin-1"))


def patient_of(request: FhirRequest, body: dict[str, Any] | None) -> str | None:
    """The patient whose data the request touched: from the path, the search, or the answer."""
    if request.resource_type == "Patient" and request.resource_id:
        return request.resource_id
    if request.patient_param:
        return request.patient_param.rsplit("/", 1)[-1]
    resources = [body] if body and body.get("resourceType") != "Bundle" else _matches(body)
    patients = {patient for patient in (_patient_reference(resource) for resource in resources) if patient}
    return patients.pop() if len(patients) == 1 else None


def _matches(bundle: dict[str, Any] | None) -> list[dict[str, Any]]:
    entries = (bundle or {}).get("entry", [])
    return [entry["resource"] for entry in entries if entry.get("search", {}).get("mode") == "match"]


def _patient_reference(resource: dict[str, Any]) -> str | None:
    if resource.get("resourceType") == "Patient":
        return str(resource.get("id")) if resource.get("id") else None
    for key in ("subject", "patient"):
        reference = str((resource.get(key) or {}).get("reference", ""))
        if reference.startswith("Patient/"):
            return reference.removeprefix("Patient/")
    return None

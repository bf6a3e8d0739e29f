"""What every FHIR route needs from the app: the per-source services, settings and public URLs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.service import SourceService
from fhir_facade.settings import FhirSettings


@dataclass(frozen=True)
class FacadeContext:
    services: Mapping[str, SourceService]
    settings: FhirSettings
    public_base_url: str
    started_at: datetime

    def service(self, source: str) -> SourceService:
        service = self.services.get(source)
        if service is None:
            raise FhirError(404, IssueCode.NOT_FOUND, f"there is no FHIR source named {source!r}")
        return service

    def base_url(self, source: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/fhir/{source}"

    def status_url(self, source: str, job_id: str) -> str:
        return f"{self.base_url(source)}/_write-status/{job_id}"


def facade_context(request: Request) -> FacadeContext:
    context: FacadeContext = request.app.state.facade
    return context


def path_parameters(*names: str) -> dict[str, Any]:
    """OpenAPI `openapi_extra` declaring string path parameters of a route whose handler reads them itself."""
    return {
        "parameters": [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in names]
    }


def new_context(services: Mapping[str, SourceService], settings: FhirSettings, public_base_url: str) -> FacadeContext:
    return FacadeContext(services, settings, public_base_url, datetime.now(UTC))

"""The FHIR R4 facade: one generic router over per-source providers, a local store, SMART Backend Services auth.

    app = create_app(settings, {"legacy-web": provider}, write_queue)

Providers implement `Provider` (capabilities, read, search, create, update); writes go through a `WriteQueue`
(the scheduler's, or `DirectWriteQueue` in-process). Every error is an OperationOutcome. See README.md.

Names are imported on first use: `retrofhir.config` imports `fhir_facade.settings`, and loading the whole
facade (which needs `bots`, which needs the config) at that moment would be an import cycle.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fhir_facade.app import create_app
    from fhir_facade.audit_recorder import FhirAuditMiddleware, RequestJobWriteQueue, RequestRunObserver
    from fhir_facade.audit_routes import audit_fhir_router
    from fhir_facade.bot_errors import BOT_ERROR_HTTP
    from fhir_facade.caller import Caller, current_caller
    from fhir_facade.direct_write_queue import DirectWriteQueue
    from fhir_facade.outcomes import FhirError, IssueCode
    from fhir_facade.provider import (
        Interaction,
        JsonObject,
        ProvidedResource,
        Provider,
        ProviderPage,
        ProviderSearch,
        ResourceCapability,
        SearchParamSupport,
        SourceCapabilities,
        logical_id_for,
    )
    from fhir_facade.settings import AuthSettings, ClientRegistration, FhirSettings, StoreSettings
    from fhir_facade.store import LocalStore, StoredResource
    from fhir_facade.validation import validate_resource
    from fhir_facade.write_queue import WriteInteraction, WriteQueue, WriteRequest, WriteState, WriteStatus

_HOMES = {
    "create_app": "app",
    "FhirAuditMiddleware": "audit_recorder",
    "RequestJobWriteQueue": "audit_recorder",
    "RequestRunObserver": "audit_recorder",
    "audit_fhir_router": "audit_routes",
    "BOT_ERROR_HTTP": "bot_errors",
    "Caller": "caller",
    "current_caller": "caller",
    "DirectWriteQueue": "direct_write_queue",
    "FhirError": "outcomes",
    "IssueCode": "outcomes",
    "Interaction": "provider",
    "JsonObject": "provider",
    "ProvidedResource": "provider",
    "Provider": "provider",
    "ProviderPage": "provider",
    "ProviderSearch": "provider",
    "ResourceCapability": "provider",
    "SearchParamSupport": "provider",
    "SourceCapabilities": "provider",
    "logical_id_for": "provider",
    "AuthSettings": "settings",
    "ClientRegistration": "settings",
    "FhirSettings": "settings",
    "StoreSettings": "settings",
    "LocalStore": "store",
    "StoredResource": "store",
    "validate_resource": "validation",
    "WriteInteraction": "write_queue",
    "WriteQueue": "write_queue",
    "WriteRequest": "write_queue",
    "WriteState": "write_queue",
    "WriteStatus": "write_queue",
}

__all__ = [
    "BOT_ERROR_HTTP",
    "AuthSettings",
    "Caller",
    "ClientRegistration",
    "DirectWriteQueue",
    "FhirAuditMiddleware",
    "FhirError",
    "FhirSettings",
    "Interaction",
    "IssueCode",
    "JsonObject",
    "LocalStore",
    "ProvidedResource",
    "Provider",
    "ProviderPage",
    "ProviderSearch",
    "RequestJobWriteQueue",
    "RequestRunObserver",
    "ResourceCapability",
    "SearchParamSupport",
    "SourceCapabilities",
    "StoreSettings",
    "StoredResource",
    "WriteInteraction",
    "WriteQueue",
    "WriteRequest",
    "WriteState",
    "WriteStatus",
    "audit_fhir_router",
    "create_app",
    "current_caller",
    "logical_id_for",
    "validate_resource",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'fhir_facade' has no attribute {name!r}")
    return getattr(importlib.import_module(f"fhir_facade.{home}"), name)

"""The FHIR R4 facade: one generic router over per-source providers, a local store, SMART Backend Services auth.

    app = create_app(settings, {"legacy-web": provider}, write_queue)

Providers implement `Provider` (capabilities, read, search, create, update); writes go through a `WriteQueue`
(the scheduler's, or `DirectWriteQueue` in-process). Every error is an OperationOutcome.
"""

from fhir_facade.app import create_app
from fhir_facade.bot_errors import BOT_ERROR_HTTP
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

__all__ = [
    "BOT_ERROR_HTTP",
    "AuthSettings",
    "ClientRegistration",
    "DirectWriteQueue",
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
    "create_app",
    "logical_id_for",
    "validate_resource",
]

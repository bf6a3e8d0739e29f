"""How the parts become one running system: sources from the screen maps, bot runtimes, queue, workers, facade.

    async with RetroFhirSystem(load_settings()) as system:   # what `retrofhir serve` runs
        system.app

`bot_worker_components` is the `scheduler.components_factory` for `retrofhir worker` processes; both it and
`RetroFhirSystem` add the periodic jobs of `periodic_components` (health checks, syncs, retention).
"""

from retrofhir.wiring.components import bot_worker_components
from retrofhir.wiring.periodic import (
    AuditRetention,
    PeriodicParts,
    ScreenMapHealthCheck,
    StoreRetention,
    StoreSync,
    canary_examples,
    periodic_components,
)
from retrofhir.wiring.sources import SourceSpec, discover_sources, fhir_name, url_override_variable
from retrofhir.wiring.system import BotRuntimes, RetroFhirSystem, open_audit_trail, worker_components

__all__ = [
    "AuditRetention",
    "BotRuntimes",
    "PeriodicParts",
    "RetroFhirSystem",
    "ScreenMapHealthCheck",
    "SourceSpec",
    "StoreRetention",
    "StoreSync",
    "bot_worker_components",
    "canary_examples",
    "discover_sources",
    "fhir_name",
    "open_audit_trail",
    "periodic_components",
    "url_override_variable",
    "worker_components",
]

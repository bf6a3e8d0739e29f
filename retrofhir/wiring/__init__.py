"""How the parts become one running system: sources from the screen maps, bot runtimes, queue, workers, facade.

    async with RetroFhirSystem(load_settings()) as system:   # what `retrofhir serve` runs
        system.app

`bot_worker_components` is the `scheduler.components_factory` for `retrofhir worker` processes.
"""

from retrofhir.wiring.components import bot_worker_components
from retrofhir.wiring.sources import SourceSpec, discover_sources, fhir_name, url_override_variable
from retrofhir.wiring.system import BotRuntimes, RetroFhirSystem, open_audit_trail, worker_components

__all__ = [
    "BotRuntimes",
    "RetroFhirSystem",
    "SourceSpec",
    "bot_worker_components",
    "discover_sources",
    "fhir_name",
    "open_audit_trail",
    "url_override_variable",
    "worker_components",
]

"""Load what a worker runs (write executors, sync sources, health checks) from the configured factory."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from scheduler.executor import WorkerComponents

if TYPE_CHECKING:
    from retrofhir.config import Settings


class ComponentsNotConfigured(RuntimeError):
    """`scheduler.components_factory` is missing or does not name a callable returning WorkerComponents."""


def load_components(settings: Settings) -> WorkerComponents:
    """Call `scheduler.components_factory` (`package.module:callable`) with the settings."""
    target = settings.scheduler.components_factory
    if not target:
        raise ComponentsNotConfigured("scheduler.components_factory is not set: a worker has no write executors")
    module_name, _, attribute = target.partition(":")
    if not attribute:
        raise ComponentsNotConfigured(f"scheduler.components_factory must look like module:callable, not {target!r}")
    factory = getattr(importlib.import_module(module_name), attribute, None)
    if not callable(factory):
        raise ComponentsNotConfigured(f"{target!r} is not a callable")
    components = factory(settings)
    if not isinstance(components, WorkerComponents):
        raise ComponentsNotConfigured(f"{target!r} returned {type(components).__name__}, not WorkerComponents")
    return components

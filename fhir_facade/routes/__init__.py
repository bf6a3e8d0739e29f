"""The generic FHIR routes: one set for every source and resource type, nothing resource-specific."""

from fhir_facade.routes.reading import router as reading_router
from fhir_facade.routes.searching import router as searching_router
from fhir_facade.routes.writing import router as writing_router

__all__ = ["reading_router", "searching_router", "writing_router"]

"""RetroFHIR: a native-feeling FHIR R4 API over legacy EHRs that have only a screen."""

from retrofhir.config import Settings, load_settings

__all__ = ["Settings", "load_settings"]

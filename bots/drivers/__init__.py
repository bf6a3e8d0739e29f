"""Drivers that let the engine see and act on a legacy EHR's user interface (web, desktop, virtual displays)."""

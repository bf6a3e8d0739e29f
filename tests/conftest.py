"""Shared pytest configuration: fixture plugins that start the practice EHRs and other real services."""

"""Shared pytest configuration: fixture plugins that start the practice EHRs and other real services."""

pytest_plugins = ["practice_ehrs.legacy_web.fixtures", "practice_ehrs.legacy_desktop.fixtures", "tests.bots.fixtures"]

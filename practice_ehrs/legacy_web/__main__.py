"""`python -m practice_ehrs.legacy_web`: the same as `retrofhir practice web` (used by the test runner)."""

from practice_ehrs.legacy_web.server import web_command

web_command()

"""Practice EHR 1: a server-rendered web EHR that looks and behaves like a 2004 product, for bots to drive."""

from practice_ehrs.legacy_web.app import create_app
from practice_ehrs.legacy_web.knobs import KnobError, Knobs, knobs_from_environment
from practice_ehrs.legacy_web.runner import LegacyWebServer, LegacyWebStartError, free_port, running_legacy_web
from practice_ehrs.legacy_web.server import web_command

__all__ = [
    "KnobError",
    "Knobs",
    "LegacyWebServer",
    "LegacyWebStartError",
    "create_app",
    "free_port",
    "knobs_from_environment",
    "running_legacy_web",
    "web_command",
]

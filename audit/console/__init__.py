"""The auditor console: server-rendered pages over the audit trail, mounted by the facade, auditor role only."""

from audit.console.auth import COOKIE_NAME, require_auditor
from audit.console.router import console_router

__all__ = ["COOKIE_NAME", "console_router", "require_auditor"]

"""ASGI middleware that injects the configured faults: added latency and a share of legacy-looking 500 pages.

Admin endpoints are exempt, so a test can always turn the faults off again.
"""

from __future__ import annotations

import asyncio
import random

from starlette.types import ASGIApp, Receive, Scope, Send

from practice_ehrs.legacy_web.knobs import KnobBoard
from practice_ehrs.legacy_web.web_kit import render_error_page

EXEMPT_PREFIXES = ("/admin",)


class FaultInjection:
    def __init__(self, app: ASGIApp, knobs: KnobBoard, chance: random.Random | None = None) -> None:
        self.app = app
        self.knobs = knobs
        self.chance = chance or random.Random()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        knobs = self.knobs.current
        if knobs.latency_ms:
            await asyncio.sleep(knobs.latency_ms / 1000)
        if knobs.failure_rate and self.chance.random() < knobs.failure_rate:
            await render_error_page("server_error.html", 500)(scope, receive, send)
            return
        await self.app(scope, receive, send)

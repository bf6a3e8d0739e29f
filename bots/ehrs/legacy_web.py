"""Hooks of the practice web EHR (MedLedger): acknowledge the once-per-session "System notice" interstitial."""

from __future__ import annotations

from bots.drivers.base import Driver
from bots.hooks import EhrHooks
from bots.locators import RoleLocator

NOTICE_TEXT = "scheduled maintenance tonight"
ACKNOWLEDGE = RoleLocator(role="button", name="Acknowledge")


class LegacyWebHooks(EhrHooks):
    """The maintenance notice can show instead of any chart page; acknowledging it goes on to that page."""

    async def unexpected_screen(self, driver: Driver) -> bool:
        if not await driver.has_text(NOTICE_TEXT):
            return False
        buttons = await driver.find_all(ACKNOWLEDGE)
        if not buttons:
            return False
        await driver.click(buttons[0])
        return True


hooks = LegacyWebHooks()

"""Per-EHR hooks for what a screen map cannot say (a random dialog, a value to tidy), and their loader.

A source may have a module `bots/ehrs/<source id, - as _>.py` defining `hooks`, an instance of a subclass of
`EhrHooks` that overrides only what it needs:

    class LegacyWebHooks(EhrHooks):
        async def unexpected_screen(self, driver: Driver) -> bool:
            ...  # look, click through the interruption, return True

    hooks = LegacyWebHooks()

The flow runner, and the login (bots.session), call `on_screen` after recognising a screen and
`unexpected_screen` whenever no screen they know is showing (True means the hook cleared an interruption: the
screen is recognised again at once, and the hook is asked again only after the address or title changed); the
flow runner calls `clean_value` on every value a `read` or `read_table` step reads. Hooks get the session's
driver through the `Driver` protocol only, wrapped so that each action they take is reported to the step log as an
ordinary step; they never start, stop or create drivers, wait, or retry: timing and retries belong to the engine.
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from typing import Any

from bots.drivers.base import DialogAnswer, Driver, FieldText, ScreenSignals
from bots.errors import ConfigurationError
from bots.locators import Element, Locator
from bots.step_log import StepDetail, StepLog

EHRS_DIR = Path(__file__).parent / "ehrs"


class EhrHooks:
    """Every hook point with a default that changes nothing; subclass and override what an EHR needs."""

    async def on_screen(self, screen: str, driver: Driver) -> None:
        """Called when the flow has recognised `screen`."""

    async def unexpected_screen(self, driver: Driver) -> bool:
        """Called when no known screen shows; True when the hook cleared an interruption (recognise again)."""
        return False

    def clean_value(self, screen: str | None, field: str, text: str) -> str:
        """The value a read step keeps for `field` of `screen` (already stripped)."""
        return text


NO_HOOKS = EhrHooks()


def hooks_module_name(source_id: str) -> str:
    return source_id.replace("-", "_")


def load_hooks(source_id: str) -> EhrHooks:
    """The `hooks` of `bots/ehrs/<source>.py`, or `NO_HOOKS` when the source has no such file."""
    name = hooks_module_name(source_id)
    path = EHRS_DIR / f"{name}.py"
    if not name.isidentifier() or not path.is_file():
        return NO_HOOKS
    try:
        module = importlib.import_module(f"bots.ehrs.{name}")
    except Exception as error:
        raise ConfigurationError(
            f"hooks module {path} failed to import: {type(error).__name__}: {error}", source=source_id
        ) from error
    hooks = getattr(module, "hooks", None)
    if not isinstance(hooks, EhrHooks):
        raise ConfigurationError(
            f"hooks module {path} must define `hooks`, an instance of an EhrHooks subclass "
            f"(found {type(hooks).__name__})",
            source=source_id,
        )
    return hooks


class ObservedDriver:
    """The driver as hooks see it: every action is reported to the step log as a step named after the hook."""

    def __init__(self, driver: Driver, log: StepLog, hook: str, screen: str | None) -> None:
        self.kind = driver.kind
        self._driver = driver
        self._log = log
        self._label = f"hook:{hook}"
        self._screen = screen

    async def _report(self, action: str, started: float, value: str | None = None) -> None:
        await self._log.record(action, started, [StepDetail(self._screen, self._label, value=value)])

    async def start(self, state: dict[str, Any] | None = None) -> None:
        raise ConfigurationError("hooks never start drivers")

    async def stop(self) -> None:
        raise ConfigurationError("hooks never stop drivers")

    async def saved_state(self) -> dict[str, Any] | None:
        return await self._driver.saved_state()

    async def goto(self, address: str) -> None:
        started = time.perf_counter()
        await self._driver.goto(address)
        await self._report("goto", started)

    async def go_back(self) -> None:
        started = time.perf_counter()
        await self._driver.go_back()
        await self._report("back", started)

    async def signals(self) -> ScreenSignals:
        return await self._driver.signals()

    async def has_text(self, text: str) -> bool:
        return await self._driver.has_text(text)

    async def find_all(self, locator: Locator, within: Element | None = None) -> list[Element]:
        return await self._driver.find_all(locator, within)

    async def read(self, element: Element, how: str = "auto") -> FieldText:
        return await self._driver.read(element, how)

    async def type_text(self, element: Element, text: str, *, multiline: bool = False) -> None:
        started = time.perf_counter()
        await self._driver.type_text(element, text, multiline=multiline)
        await self._report("fill", started, text)

    async def click(self, element: Element, *, dialog: DialogAnswer | None = None) -> None:
        started = time.perf_counter()
        await self._driver.click(element, dialog=dialog)
        await self._report("click", started)

    async def select_option(self, element: Element, label: str) -> None:
        started = time.perf_counter()
        await self._driver.select_option(element, label)
        await self._report("fill", started, label)

    async def set_checked(self, element: Element, checked: bool) -> None:
        started = time.perf_counter()
        await self._driver.set_checked(element, checked)
        await self._report("fill", started, str(checked).lower())

    async def press_key(self, element: Element | None, key: str) -> None:
        started = time.perf_counter()
        await self._driver.press_key(element, key)
        await self._report("press", started, key)

    async def screenshot(self) -> bytes:
        return await self._driver.screenshot()

"""Screen recognition's one look per poll (pure logic over a driver that answers from fixed data)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bots.drivers.base import ScreenProbe, ScreenSignals
from bots.locators import CssLocator, Element, Locator
from bots.map_models import Screen
from bots.recognition import look, screen_matches

pytestmark = pytest.mark.anyio
TABLE = CssLocator(selector="table.grid")
PASSWORD = CssLocator(selector="input[name=password]")
RESULTS = Screen.model_validate({"recognize": {"url": "/search", "elements": [TABLE.model_dump()]}})
LOGIN = Screen.model_validate(
    {"kind": "login", "recognize": {"url": "/login", "text": ["Sign in"], "elements": [PASSWORD.model_dump()]}}
)
BROKEN = Screen.model_validate({"kind": "server_error", "recognize": {"title": "HTTP 500", "text": ["Oops"]}})


class ProbingPage:
    """Shows /search?go=1 titled "Results" with one grid table; remembers what it was asked and how."""

    def __init__(self, probed_texts: dict[str, bool] | None = None) -> None:
        self.probes: list[tuple[list[str], list[Locator]]] = []
        self.single_calls: list[str] = []
        self._probed_texts = probed_texts

    def current_url(self) -> str | None:
        return "http://ehr/search?go=1"

    async def signals(self) -> ScreenSignals:
        self.single_calls.append("signals")
        return ScreenSignals(url="http://ehr/search?go=1", title="Results")

    async def probe(self, texts: Sequence[str], locators: Sequence[Locator]) -> ScreenProbe:
        self.probes.append((list(texts), list(locators)))
        counts: dict[Locator, int] = {locator: int(locator == TABLE) for locator in locators}
        shown = self._probed_texts if self._probed_texts is not None else dict.fromkeys(texts, False)
        return ScreenProbe(await self.signals(), shown, counts)

    async def has_text(self, text: str) -> bool:
        self.single_calls.append(f"has_text {text}")
        return text == "Oops"

    async def find_all(self, locator: Locator, within: Element | None = None) -> list[Element]:
        self.single_calls.append(f"find_all {locator.describe()}")
        return [Element(box=None, handle=None)] if locator == TABLE else []


async def test_one_probe_covers_the_screens_the_address_allows() -> None:
    page = ProbingPage()
    evidence = await look(page, [RESULTS, LOGIN, BROKEN])  # type: ignore[arg-type]
    assert page.probes == [(["Oops"], [TABLE])]  # the login screen's URL rules it out before anything is checked
    assert await screen_matches(evidence, RESULTS, evidence.signals)
    assert not await screen_matches(evidence, LOGIN, evidence.signals)
    assert not await screen_matches(evidence, BROKEN, evidence.signals)
    assert page.single_calls == ["signals"]


async def test_what_the_probe_left_open_is_asked_about_on_its_own() -> None:
    page = ProbingPage(probed_texts={})
    evidence = await look(page, [BROKEN])  # type: ignore[arg-type]
    broken_titled = ScreenSignals(url=evidence.signals.url, title="HTTP 500")
    assert await screen_matches(evidence, BROKEN, broken_titled)
    assert page.single_calls == ["signals", "has_text Oops"]


async def test_a_driver_that_cannot_probe_is_asked_step_by_step() -> None:
    class StepByStep(ProbingPage):
        probe = None  # type: ignore[assignment]
        current_url = None  # type: ignore[assignment]

    page = StepByStep()
    evidence = await look(page, [RESULTS, LOGIN])  # type: ignore[arg-type]
    assert await screen_matches(evidence, RESULTS, evidence.signals)
    assert page.single_calls == ["signals", "find_all css='table.grid'"]

"""The standard suite every screen map gets from one line (`TestLegacyWeb = standard_suite("legacy_web")`).

It checks that the map is valid, runs every example against the real practice EHR (writes included, on a freshly
reset system), checks that every ordinary screen of the map was recognised on the way, and repeats the examples
marked for UI version 2 under version 2 when the map claims to handle it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bots.drivers.browser import BrowserHost
from bots.engine import SourceRuntime
from bots.examples import run_example
from bots.map_loader import load_screen_map
from bots.map_models import ScreenKind
from bots.observer import RunInfo, RunResult, StepOutcome, StepRecord
from bots.screen_map import ScreenMap
from retrofhir.config import PROJECT_ROOT
from tests.ehrs.harnesses import HARNESSES, PracticeSystem


class ScreenRecorder:
    """An observer that remembers which screens were recognised."""

    def __init__(self) -> None:
        self.screens: set[str] = set()

    async def run_started(self, run: RunInfo) -> None:
        return None

    async def step(self, record: StepRecord) -> None:
        if record.action == "expect" and record.outcome != StepOutcome.FAILED and record.screen:
            self.screens.add(record.screen)

    async def run_finished(self, result: RunResult) -> None:
        return None


class StandardSuite:
    source_id: str

    @pytest.fixture(scope="class")
    def screen_map(self) -> ScreenMap:
        return load_screen_map(PROJECT_ROOT / "screen_maps" / f"{self.source_id}.yaml")

    @pytest.fixture
    def practice_system(self, request: pytest.FixtureRequest) -> Iterator[PracticeSystem]:
        system = HARNESSES[self.source_id](request)
        system.reset()
        try:
            yield system
        finally:
            system.reset()

    def test_map_is_valid(self, screen_map: ScreenMap) -> None:
        assert screen_map.source.id == self.source_id
        assert screen_map.examples, "a screen map must come with examples"

    @pytest.mark.anyio
    async def test_examples(
        self, screen_map: ScreenMap, practice_system: PracticeSystem, browser_host: BrowserHost, ui_version: int
    ) -> None:
        practice_system.set_ui_version(ui_version)
        recorder = ScreenRecorder()
        examples = [example for example in screen_map.examples if ui_version in example.ui_versions]
        async with SourceRuntime(
            screen_map,
            base_url=practice_system.base_url,
            credentials=practice_system.credentials,
            observer=recorder,
            browser_host=browser_host,
            screenshots=False,
            **practice_system.runtime_options(screen_map),
        ) as runtime:
            outcomes = [await run_example(runtime, example) for example in examples]
        failures = [f"{outcome.example}: {'; '.join(outcome.problems)}" for outcome in outcomes if not outcome.passed]
        assert not failures, failures
        if ui_version == screen_map.source.ui_versions[0]:
            ordinary = {name for name, screen in screen_map.screens.items() if screen.kind == ScreenKind.PAGE}
            assert sorted(ordinary - recorder.screens) == [], "screens no example recognised"
        else:
            assert any(outcome.drift for outcome in outcomes), "a later UI version should show up as drift"


def standard_suite(source_id: str) -> type[StandardSuite]:
    """A test class running the standard suite for `screen_maps/<source_id>.yaml`."""
    return type(f"TestStandardSuite_{source_id}", (StandardSuite,), {"source_id": source_id})

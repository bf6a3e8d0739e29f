"""`for_each ... parallel`: result rows read on several pages of one session, the same as one by one, in order."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bots.credentials import CredentialStore
from bots.drivers.browser import BrowserHost
from bots.ehrs.legacy_web import LegacyWebHooks
from bots.engine import SourceRuntime
from bots.errors import LegacyServerError
from bots.map_models import ForEachStep
from bots.observer import RunInfo, StepCollector, StepOutcome, StepRecord
from bots.screen_map import ScreenMap
from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.bots.conftest import NURSE, RuntimeFactory

pytestmark = [pytest.mark.anyio, pytest.mark.web]

FAILING_MRN = "0100097"  # the second of the Smiths with a given name J


class StepRecorder(StepCollector):
    """An observer keeping every step it hears of, and which runs were searches."""

    def __init__(self) -> None:
        super().__init__()
        self.searches: list[str] = []

    async def run_started(self, run: RunInfo) -> None:
        if run.interaction == "Patient.search":
            self.searches.append(run.run_id)

    def search_steps(self, number: int = 0) -> list[StepRecord]:
        """The steps of one search run (not those of the login run before it)."""
        return [step for step in self.steps if step.run_id == self.searches[number]]


class FailingChart(LegacyWebHooks):
    """The practice EHR's own hooks, plus a legacy failure on reading one chart's MRN."""

    def __init__(self, mrn: str | None) -> None:
        self.mrn = mrn

    def clean_value(self, screen: str | None, field: str, text: str) -> str:
        if screen == "demographics" and field == "mrn" and text == self.mrn:
            raise LegacyServerError("the chart page failed", screen=screen)
        return super().clean_value(screen, field, text)


def _with_parallel(screen_map: ScreenMap, parallel: int) -> ScreenMap:
    data = screen_map.model_dump()
    data["flows"]["Patient.search"]["steps"][-1]["parallel"] = parallel
    return ScreenMap.model_validate(data)


def test_the_map_opts_in_and_bad_parallel_settings_are_rejected(legacy_web_map: ScreenMap) -> None:
    last = legacy_web_map.flows["Patient.search"].steps[-1]
    assert isinstance(last, ForEachStep)
    assert last.parallel == 4
    rows = {"for_each": "matches", "steps": [{"emit": "row", "bindings": ["patient"]}]}
    for bad in ({"parallel": 0}, {"parallel": 2, "open": True}, {"parallel": 2, "back": "search_results"}):
        with pytest.raises(ValidationError):
            ForEachStep.model_validate({**rows, **bad})
    with pytest.raises(ValidationError, match="paralel"):
        ForEachStep.model_validate({**rows, "paralel": 2})


async def test_parallel_search_returns_what_the_sequential_one_does(
    make_runtime: RuntimeFactory, legacy_web_map: ScreenMap
) -> None:
    one_by_one = make_runtime(_with_parallel(legacy_web_map, 1))
    sequential = await one_by_one.search("Patient", {"family": "S"})
    parallel = await make_runtime().search("Patient", {"family": "S"})
    assert len(parallel.resources) == 25
    assert parallel.resources == sequential.resources
    assert parallel.next_cursor == sequential.next_cursor == "2"


async def test_parallel_rows_report_the_steps_of_a_sequential_run_in_its_order(
    make_runtime: RuntimeFactory, legacy_web_map: ScreenMap
) -> None:
    sequential_steps, parallel_steps = StepRecorder(), StepRecorder()
    smiths = {"family": "Smith", "given": "J"}
    await make_runtime(_with_parallel(legacy_web_map, 1), observer=sequential_steps).search("Patient", smiths)
    page = await make_runtime(observer=parallel_steps).search("Patient", smiths)
    assert len(page.resources) > 1
    ran = parallel_steps.search_steps()
    assert [step.index for step in ran] == list(range(len(ran)))
    assert [(step.action, step.screen, step.field_name, step.value) for step in ran] == [
        (step.action, step.screen, step.field_name, step.value) for step in sequential_steps.search_steps()
    ]
    assert all(step.screenshot_png for step in ran)


async def test_one_failing_chart_fails_the_whole_search(
    legacy_web_clean: LegacyWebServer, legacy_web_map: ScreenMap, browser_host: BrowserHost
) -> None:
    recorder, hooks = StepRecorder(), FailingChart(FAILING_MRN)
    runtime = SourceRuntime(
        legacy_web_map,
        base_url=legacy_web_clean.base_url,
        credentials=CredentialStore(environment=NURSE),
        browser_host=browser_host,
        observer=recorder,
        hooks=hooks,
    )
    try:
        with pytest.raises(LegacyServerError):
            await runtime.search("Patient", {"family": "Smith", "given": "J"})
        hooks.mrn = None
        again = await runtime.search("Patient", {"family": "Smith", "given": "J"})
    finally:
        await runtime.close()
    failed_run = recorder.search_steps(0)
    assert [step.index for step in failed_run] == list(range(len(failed_run)))
    failed = [step for step in failed_run if step.outcome == StepOutcome.FAILED]
    assert [(step.action, step.screen) for step in failed] == [("read", "demographics")]
    assert {"0100046", FAILING_MRN} <= {resource["id"] for resource in again.resources}
    assert runtime.pool.logins == 1

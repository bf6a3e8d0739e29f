"""The engine against the real practice web EHR: reads, drift, and every fault ending in a typed error or recovery."""

from __future__ import annotations

from typing import Any

import pytest

from bots.errors import (
    ConfigurationError,
    LegacyServerError,
    LegacyUnreachable,
    LoginRejected,
    RecordNotFound,
    StepTimeout,
)
from bots.observer import RunInfo, RunResult, StepOutcome, StepRecord
from bots.screen_map import ScreenMap
from practice_ehrs.legacy_web.runner import LegacyWebServer, free_port
from tests.bots.conftest import RuntimeFactory

pytestmark = [pytest.mark.anyio, pytest.mark.web]


class Recorder:
    """Keeps what the engine reports; optionally does something when a given step is reported."""

    def __init__(self) -> None:
        self.steps: list[StepRecord] = []
        self.results: list[RunResult] = []
        self.on_step: dict[tuple[str, int], Any] = {}
        self.interaction = ""

    async def run_started(self, run: RunInfo) -> None:
        self.interaction = run.interaction

    async def step(self, record: StepRecord) -> None:
        self.steps.append(record)
        action = self.on_step.pop((self.interaction, record.index), None)
        if action is not None:
            action()

    async def run_finished(self, result: RunResult) -> None:
        self.results.append(result)


def _with_timeouts(screen_map: ScreenMap, **timeouts: float) -> ScreenMap:
    data = screen_map.model_dump()
    data["source"]["timeouts"].update(timeouts)
    return ScreenMap.model_validate(data)


async def test_read_reports_every_step_with_screenshots(make_runtime: RuntimeFactory) -> None:
    recorder = Recorder()
    runtime = make_runtime(observer=recorder)
    patient = await runtime.read("Patient", "0100097")
    assert patient["name"] == [{"use": "official", "family": "Smith", "given": ["John", "R"]}]
    reads = [step for step in recorder.steps if step.action == "read"]
    assert {step.field_name for step in reads} >= {"mrn", "last_name", "dob", "zip"}
    without = [(step.index, step.action, step.screen) for step in recorder.steps if not step.screenshot_png]
    assert without == []
    assert all(step.screenshot_png and step.screenshot_png.startswith(b"\x89PNG") for step in recorder.steps)
    chart = next(step for step in recorder.steps if step.action == "expect" and step.screen == "demographics")
    assert all(step.screenshot_png is chart.screenshot_png for step in reads)
    for run_id in {step.run_id for step in recorder.steps}:
        indices = [step.index for step in recorder.steps if step.run_id == run_id]
        assert indices == list(range(len(indices)))
    password = next(step for step in recorder.steps if step.field_name == "password")
    assert password.value == "******"
    assert password.value_masked
    assert [result.succeeded for result in recorder.results] == [True, True]
    assert runtime.pool.logins == 1
    await runtime.read("Patient", "0100046")
    assert runtime.pool.logins == 1


async def test_ui_version_2_reads_the_same_and_reports_drift(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer
) -> None:
    recorder = Recorder()
    runtime = make_runtime(observer=recorder)
    before = await runtime.read("Patient", "0100141")
    legacy_web_clean.set_knobs(ui_version=2)
    after = await runtime.read("Patient", "0100141")
    assert after == before
    drifted = {step.field_name for step in recorder.steps if step.outcome == StepOutcome.DRIFT}
    assert {"mrn", "last_name", "first_name", "dob"} <= drifted
    assert all(step.locator_rank == 1 for step in recorder.steps if step.outcome == StepOutcome.DRIFT)
    assert runtime.drift


async def test_missing_credentials_fail_before_any_browsing(make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime(environment={"LEGACY_WEB_USERNAME": "nurse"})
    with pytest.raises(ConfigurationError, match="LEGACY_WEB_PASSWORD"):
        await runtime.read("Patient", "0100046")
    assert runtime.pool.open_sessions == 0


async def test_login_rejected(make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime(environment={"LEGACY_WEB_USERNAME": "nurse", "LEGACY_WEB_PASSWORD": "wrong"})
    with pytest.raises(LoginRejected) as caught:
        await runtime.read("Patient", "0100046")
    assert "wrong" not in str(caught.value)
    assert caught.value.context.screen == "login"


async def test_unreachable_legacy_system(make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime(base_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(LegacyUnreachable):
        await runtime.read("Patient", "0100046")


async def test_unknown_record_and_unsupported_interaction(make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime()
    with pytest.raises(RecordNotFound):
        await runtime.read("Patient", "0000001")
    with pytest.raises(RecordNotFound):
        await runtime.read("Patient", "not-an-mrn")
    with pytest.raises(ConfigurationError, match=r"does not support Practitioner\.read"):
        await runtime.read("Practitioner", "1")
    with pytest.raises(ConfigurationError, match="cannot narrow"):
        await runtime.search("Patient", {"gender": "male"})


async def test_slow_screens_within_and_beyond_the_timeout(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer, legacy_web_map: ScreenMap
) -> None:
    runtime = make_runtime(_with_timeouts(legacy_web_map, navigation_seconds=1.5, screen_seconds=1.5))
    await runtime.read("Patient", "0100046")
    legacy_web_clean.set_knobs(latency_ms=300)
    assert (await runtime.read("Patient", "0100046"))["id"] == "0100046"
    legacy_web_clean.set_knobs(latency_ms=3000)
    with pytest.raises(StepTimeout):
        await runtime.read("Patient", "0100046")


async def test_legacy_500_page(make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer) -> None:
    runtime = make_runtime()
    await runtime.read("Patient", "0100046")
    legacy_web_clean.set_knobs(failure_rate=1.0)
    with pytest.raises(LegacyServerError) as caught:
        await runtime.read("Patient", "0100046")
    assert caught.value.transient
    assert caught.value.context.screen == "server_error"


async def test_session_expiry_mid_flow_relogs_in_and_reruns(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer
) -> None:
    recorder = Recorder()
    runtime = make_runtime(observer=recorder)
    await runtime.read("Patient", "0100046")
    recorder.on_step[("Patient.read", 2)] = legacy_web_clean.expire_sessions
    patient = await runtime.read("Patient", "0100164")
    assert patient["id"] == "0100164"
    assert runtime.pool.logins == 2
    assert [step.error.kind for step in recorder.steps if step.error] == ["SessionExpired"]


async def test_a_weight_given_in_kg_is_written_and_read_back_in_the_legacy_unit(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer
) -> None:
    runtime = make_runtime()
    in_kg = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
        "subject": {"reference": "Patient/0100164"},
        "effectiveDateTime": "2026-05-06T08:15:00Z",
        "valueQuantity": {"value": 70, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
    }
    result = await runtime.create(in_kg)
    assert result.resource["valueQuantity"] == {
        "value": 154.32,
        "unit": "lb",
        "system": "http://unitsofmeasure.org",
        "code": "[lb_av]",
    }
    stored = legacy_web_clean.query(
        "SELECT weight_lb FROM vitals WHERE patient_id = 4 AND taken_date = '2026-05-06' AND taken_time = '08:15'"
    )
    assert [row["weight_lb"] for row in stored] == [154.32]

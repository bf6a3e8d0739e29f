"""The bot write executor against the practice web EHR: one check-before-write per attempt, then the verified write."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.credentials import CredentialStore
from bots.engine import SourceRuntime
from bots.map_loader import load_screen_map
from bots.observer import RunInfo, StepCollector
from practice_ehrs.legacy_web.runner import LegacyWebServer
from retrofhir.config import PROJECT_ROOT
from scheduler.bot_executor import BotWriteExecutor
from scheduler.executor import WriteRequest
from tests.scheduler.real_ehr import landed_vitals, pulse_value, vital_key, vital_write

pytestmark = [pytest.mark.anyio, pytest.mark.web]
NURSE = {"LEGACY_WEB_USERNAME": "nurse", "LEGACY_WEB_PASSWORD": "nurse123"}


class RunSteps(StepCollector):
    """Every step, and which interaction each run was."""

    def __init__(self) -> None:
        super().__init__()
        self.interactions: dict[str, str] = {}

    async def run_started(self, run: RunInfo) -> None:
        self.interactions[run.run_id] = run.interaction

    def runs(self, interaction: str) -> list[list[tuple[str, str | None]]]:
        """Each run of one interaction, in order, as the (action, screen) of its steps, repeats in a row counted once
        and emits left out: how often a table is read and a record emitted follows the patient's row count."""
        run_ids = [run_id for run_id, name in self.interactions.items() if name == interaction]
        shapes = []
        for run_id in run_ids:
            shape: list[tuple[str, str | None]] = []
            for step in self.steps:
                if step.run_id == run_id and step.action != "emit" and shape[-1:] != [(step.action, step.screen)]:
                    shape.append((step.action, step.screen))
            shapes.append(shape)
        return shapes


class OpenGate:
    """The submit gate of a write nobody else has taken over: it only counts the submits it let through."""

    def __init__(self) -> None:
        self.passed = 0

    async def before_submit(self) -> None:
        self.passed += 1


@pytest.fixture
async def runtime(legacy_web_clean: LegacyWebServer) -> AsyncIterator[SourceRuntime]:
    """A runtime with a Chromium of its own (the scheduler tests run their event loop per test)."""
    async with SourceRuntime(
        load_screen_map(PROJECT_ROOT / "screen_maps" / "legacy_web.yaml"),
        base_url=legacy_web_clean.base_url,
        credentials=CredentialStore(environment=NURSE),
        observer=RunSteps(),
        screenshots=False,
    ) as runtime:
        yield runtime


def _request(number: int) -> WriteRequest:
    submission = vital_write(number)
    return WriteRequest(f"write-{number}", submission.source, submission.interaction, submission.resource, attempt=1)


async def test_a_queued_create_checks_the_ehr_once_per_attempt_then_writes_and_verifies(
    runtime: SourceRuntime, legacy_web_clean: LegacyWebServer
) -> None:
    observer = runtime.observer
    assert isinstance(observer, RunSteps)
    await runtime.create(vital_write(0).resource)  # the engine alone: its own check-before-write first
    executor, gate = BotWriteExecutor(runtime), OpenGate()

    request = _request(4)  # the same patient as write 0: the same screens
    assert await executor.find_existing(request) is None
    verified = await executor.write(request, gate)

    direct, queued = observer.runs("Observation.create")
    (probe,) = observer.runs("Observation.find_existing")
    assert probe
    assert direct[: len(probe)] == probe, "the engine's own create starts with the same check"
    assert queued == direct[len(probe) :], "the queued write did not check a second time, and did all the rest"
    assert gate.passed == 1
    assert verified.resource["valueQuantity"]["value"] == pulse_value(4)
    assert landed_vitals(legacy_web_clean)[vital_key(4)] == [pulse_value(4)]

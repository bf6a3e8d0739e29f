"""Writes through the practice web EHR: check-before-write, literal input refused before typing, verify-after-write."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from bots.errors import DuplicateRecord, InputRejected, LegacyServerError, WriteNotVerified, WriteOutcomeUnknown
from bots.observer import RunInfo, RunResult, StepCollector, StepRecord
from bots.screen_map import ScreenMap
from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.bots.conftest import RuntimeFactory

pytestmark = [pytest.mark.anyio, pytest.mark.web]

WEIGHT: dict[str, Any] = {
    "resourceType": "Observation",
    "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
    "subject": {"reference": "Patient/0100164"},
    "effectiveDateTime": "2026-05-05T07:30:00Z",
    "valueQuantity": {"value": 140.5, "unit": "lb", "system": "http://unitsofmeasure.org", "code": "[lb_av]"},
}


def _weight_typed_into_height(screen_map: ScreenMap) -> ScreenMap:
    """A map with a bug: the weight field's locator finds the height input."""
    data = screen_map.model_dump()
    data["screens"]["vitals_form"]["fields"]["weight_lb"]["locators"] = [
        {"kind": "css", "selector": "input[name=height_in]"}
    ]
    return ScreenMap.model_validate(data)


def _vitals_count(server: LegacyWebServer) -> int:
    return int(server.query("SELECT COUNT(*) AS n FROM vitals WHERE patient_id = 4")[0]["n"])


async def test_verify_after_write_catches_a_value_in_the_wrong_field(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer, legacy_web_map: ScreenMap
) -> None:
    runtime = make_runtime(_weight_typed_into_height(legacy_web_map))
    light = {**WEIGHT, "valueQuantity": {**WEIGHT["valueQuantity"], "value": 68}}
    with pytest.raises(WriteNotVerified) as caught:
        await runtime.create(light)
    assert [(m.field, m.expected, m.actual) for m in caught.value.mismatches] == [("weight_lb", "68", "")]
    assert "68" not in str(caught.value)


async def test_write_then_the_same_write_is_found_existing(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer
) -> None:
    runtime = make_runtime()
    before = _vitals_count(legacy_web_clean)
    assert await runtime.find_existing(WEIGHT) is None
    result = await runtime.create(WEIGHT)
    assert result.id == "0100164-vs-05052026-0730-weight"
    assert result.resource["valueQuantity"]["value"] == 140.5
    assert _vitals_count(legacy_web_clean) == before + 1
    existing = await runtime.find_existing(WEIGHT)
    assert existing is not None
    assert existing["id"] == result.id
    with pytest.raises(DuplicateRecord) as caught:
        await runtime.create(WEIGHT)
    assert caught.value.existing_key == result.id
    assert _vitals_count(legacy_web_clean) == before + 1


async def test_duplicate_patient_by_name_and_birth_date_ignores_case(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer
) -> None:
    runtime = make_runtime()
    patients = len(legacy_web_clean.query("SELECT id FROM patients"))
    zoe = {"resourceType": "Patient", "name": [{"family": "NGUYEN", "given": ["zoë"]}], "birthDate": "1990-01-31"}
    with pytest.raises(DuplicateRecord) as caught:
        await runtime.create({**zoe, "gender": "female"})
    assert caught.value.existing_key == "0100164"
    assert len(legacy_web_clean.query("SELECT id FROM patients")) == patients


@pytest.mark.parametrize("allergen", ["Latex\x07", "Latex\nrubber"])
async def test_control_characters_are_refused_before_anything_is_typed(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer, allergen: str
) -> None:
    runtime = make_runtime()
    before = legacy_web_clean.query("SELECT allergen FROM allergies WHERE patient_id = 4")
    allergy = {
        "resourceType": "AllergyIntolerance",
        "patient": {"reference": "Patient/0100164"},
        "code": {"text": allergen},
    }
    with pytest.raises(InputRejected) as caught:
        await runtime.create(allergy)
    assert allergen not in str(caught.value)
    assert legacy_web_clean.query("SELECT allergen FROM allergies WHERE patient_id = 4") == before


async def test_update_clears_what_the_resource_no_longer_has(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer
) -> None:
    runtime = make_runtime()
    patient = await runtime.read("Patient", "0100211")
    patient["telecom"] = [{"system": "phone", "value": "(555) 777-0000", "use": "home"}]
    del patient["address"]
    result = await runtime.update(patient)
    assert result.resource["telecom"][0]["value"] == "(555) 777-0000"
    assert "address" not in result.resource
    row = legacy_web_clean.query("SELECT phone, address_line, city FROM patients WHERE mrn = '0100211'")[0]
    assert row == {"phone": "(555) 777-0000", "address_line": "", "city": ""}


class FaultAfterFill:
    """Turns on the practice EHR's 500 pages right after the form is filled (so the submit fails), and off again
    when the failure has been reported, if asked to."""

    def __init__(self, server: LegacyWebServer, *, recover: bool) -> None:
        self.server = server
        self.recover = recover

    async def run_started(self, run: RunInfo) -> None:
        return None

    async def step(self, record: StepRecord) -> None:
        if record.action == "fill" and record.screen == "vitals_form":
            self.server.set_knobs(failure_rate=1.0)
        if record.error is not None and self.recover:
            self.server.set_knobs(failure_rate=0.0)

    async def run_finished(self, result: RunResult) -> None:
        return None


async def test_a_submit_that_failed_and_left_nothing_keeps_its_error(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer
) -> None:
    runtime = make_runtime(observer=FaultAfterFill(legacy_web_clean, recover=True))
    before = _vitals_count(legacy_web_clean)
    with pytest.raises(LegacyServerError):
        await runtime.create(WEIGHT)
    assert _vitals_count(legacy_web_clean) == before


async def test_a_submit_whose_outcome_cannot_be_read_back_is_unknown(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer
) -> None:
    runtime = make_runtime(observer=FaultAfterFill(legacy_web_clean, recover=False))
    with pytest.raises(WriteOutcomeUnknown):
        await runtime.create(WEIGHT)


class ExpireOnceSaved(StepCollector):
    """Ends every EHR session the moment the bot has seen "saved" (before its read-back), once."""

    def __init__(self, server: LegacyWebServer) -> None:
        super().__init__()
        self.server = server
        self.expired = 0

    async def step(self, record: StepRecord) -> None:
        await super().step(record)
        if record.action == "expect" and record.screen == "saved" and not self.expired:
            self.expired = await anyio.to_thread.run_sync(self.server.expire_sessions)


@pytest.mark.parametrize("check_first", [True, False], ids=["engine-checks", "caller-checked"])
async def test_a_session_lost_after_saving_is_read_back_and_never_submitted_twice(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer, check_first: bool
) -> None:
    observer = ExpireOnceSaved(legacy_web_clean)
    runtime = make_runtime(observer=observer)
    before = _vitals_count(legacy_web_clean)

    result = await runtime.create(WEIGHT, check_first=check_first)

    assert observer.expired >= 1
    assert runtime.pool.logins == 2, "the read-back met the login screen and the engine logged in again"
    assert result.resource["valueQuantity"]["value"] == 140.5
    assert _vitals_count(legacy_web_clean) == before + 1
    saves = [record for record in observer.steps if record.action == "click" and record.screen == "vitals_form"]
    assert len(saves) == 1

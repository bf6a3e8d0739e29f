"""The pure logic of writes: planning, recognising an existing record, and comparing the read-back."""

from __future__ import annotations

import pytest

from bots.errors import InputRejected
from bots.screen_map import ScreenMap
from bots.writes import matching_record, plan_write, same_value, verified_record


def test_plan_picks_the_binding_by_code_and_unit(legacy_web_map: ScreenMap) -> None:
    pulse = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
        "subject": {"reference": "Patient/0100046"},
        "effectiveDateTime": "2026-06-01T08:15:00Z",
        "valueQuantity": {"value": 72, "code": "/min"},
    }
    plan = plan_write(legacy_web_map, pulse, "create")
    assert (plan.binding_name, plan.values["pulse"], plan.values["taken_time"]) == ("pulse", "72", "08:15")
    kilograms = {**pulse, "code": {"coding": [{"code": "29463-7"}]}, "valueQuantity": {"value": 80, "code": "kg"}}
    with pytest.raises(InputRejected, match="no binding"):
        plan_write(legacy_web_map, kilograms, "create")
    with pytest.raises(InputRejected, match="not a valid FHIR R4"):
        plan_write(legacy_web_map, {**pulse, "status": "done"}, "create")


def test_values_compare_by_meaning() -> None:
    assert same_value("150.0", "150")
    assert same_value(" a\r\nb ", "a\nb")
    assert not same_value("Smith", "smith")
    assert same_value("Smith", "SMITH", ignore_case=True)


def test_matching_and_verified_records() -> None:
    rows = [{"taken_date": "06/01/2026", "taken_time": "08:15", "bp": "120/80", "pulse": ""}]
    rows.append({"taken_date": "06/01/2026", "taken_time": "08:15", "bp": "", "pulse": "72"})
    written = {"taken_date": "06/01/2026", "taken_time": "08:15", "pulse": "72"}
    assert matching_record(rows, written, list(written)) == rows[1]
    assert verified_record(rows, ["taken_date", "taken_time"], written) == (rows[1], [])
    record, mismatches = verified_record(rows[:1], ["taken_date", "taken_time"], written)
    assert record is None
    assert [(m.field, m.expected, m.actual) for m in mismatches] == [("pulse", "72", "")]
    record, mismatches = verified_record([], ["taken_date"], written)
    assert [m.field for m in mismatches] == ["(record)"]

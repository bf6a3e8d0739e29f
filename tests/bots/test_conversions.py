"""Value conversions both ways: value maps, legacy date formats with time zones, numbers, patterns, UCUM units."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bots.conversions import ConversionError, convert_quantity, to_fhir, to_legacy
from bots.map_models import ElementRule

CHICAGO = ZoneInfo("America/Chicago")


def rule(**fields: object) -> ElementRule:
    return ElementRule.model_validate({"path": "x", "field": "f", **fields})


def test_value_map_both_ways_and_unmapped_policies() -> None:
    sex = rule(value_map={"M": "male", "F": "female"})
    assert to_fhir(" M ", sex, CHICAGO) == "male"
    assert to_legacy("female", sex, CHICAGO) == "F"
    with pytest.raises(ConversionError, match="value map"):
        to_fhir("X", sex, CHICAGO)
    assert to_fhir("X", rule(value_map={"M": "male"}, unmapped="skip"), CHICAGO) is None
    assert to_fhir("X", rule(value_map={"M": "male"}, unmapped="keep"), CHICAGO) == "X"


def test_dates_and_datetimes_in_the_source_time_zone() -> None:
    date_rule = rule(type="date", format="MM/DD/YYYY")
    assert to_fhir("03/14/1958", date_rule, CHICAGO) == "1958-03-14"
    assert to_legacy("1958-03-14", date_rule, CHICAGO) == "03/14/1958"
    moment = rule(type="datetime", format="MM/DD/YYYY HH:mm")
    assert to_fhir("06/01/2026 08:15", moment, CHICAGO) == "2026-06-01T08:15:00-05:00"
    assert to_legacy("2026-06-01T13:15:00Z", rule(type="datetime", format="HH:mm"), CHICAGO) == "08:15"
    with pytest.raises(ConversionError, match="format"):
        to_fhir("1958-03-14", date_rule, CHICAGO)
    with pytest.raises(ConversionError, match="time"):
        to_legacy("2026-06-01", rule(type="datetime", format="HH:mm"), CHICAGO)


def test_numbers_and_patterns() -> None:
    systolic = rule(type="decimal", pattern=r"^(\d+)/")
    assert to_fhir("128/82", systolic, CHICAGO) == Decimal("128")
    assert to_legacy(Decimal("150.0"), rule(type="decimal"), CHICAGO) == "150"
    assert to_legacy(98.6, rule(type="decimal"), CHICAGO) == "98.6"
    assert to_fhir("", rule(type="decimal"), CHICAGO) is None
    with pytest.raises(ConversionError, match="number"):
        to_fhir("12 kg", rule(type="decimal"), CHICAGO)


def test_quantities_convert_within_a_dimension_only() -> None:
    assert convert_quantity(Decimal("70"), "kg", "[lb_av]") == Decimal("154.32")
    assert convert_quantity(Decimal("180"), "cm", "[in_i]") == Decimal("70.87")
    assert convert_quantity(Decimal("37"), "Cel", "[degF]") == Decimal("98.6")
    assert convert_quantity(Decimal("100"), "Cel", "[degF]") == Decimal("212")
    assert convert_quantity(Decimal("98.6"), "[degF]", "Cel") == Decimal("37")
    assert convert_quantity(Decimal("5"), "[lb_av]", "[lb_av]") == Decimal("5")
    assert convert_quantity(Decimal("1"), "kg", "cm") is None
    assert convert_quantity(Decimal("1"), "kg", "stone") is None

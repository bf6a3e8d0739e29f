"""FHIR search values become legacy search values through the parameter's binding rule."""

from __future__ import annotations

import pytest

from bots.errors import ConfigurationError, InputRejected
from bots.screen_map import ScreenMap
from bots.search_params import legacy_params


def _convert(screen_map: ScreenMap, params: dict[str, str]) -> dict[str, str]:
    return legacy_params(screen_map, "Patient.search", screen_map.flows["Patient.search"], params)


def test_conversions(legacy_web_map: ScreenMap) -> None:
    given = {"birthdate": "eq1958-03-14", "gender": "male", "identifier": "urn:medledger:mrn|0100046"}
    assert _convert(legacy_web_map, given) == {"birthdate": "03/14/1958", "gender": "M", "identifier": "0100046"}


def test_what_the_legacy_search_cannot_do(legacy_web_map: ScreenMap) -> None:
    with pytest.raises(ConfigurationError, match="only matches a date exactly"):
        _convert(legacy_web_map, {"birthdate": "ge1960-01-01"})
    with pytest.raises(ConfigurationError, match="cannot search by address"):
        _convert(legacy_web_map, {"address": "Main"})
    with pytest.raises(InputRejected, match="gender"):
        _convert(legacy_web_map, {"gender": "other"})

"""Flow steps a person would take: open each row of a list by clicking it, read, and go back to the list."""

from __future__ import annotations

import pytest

from bots.screen_map import ScreenMap
from tests.bots.conftest import RuntimeFactory

pytestmark = [pytest.mark.anyio, pytest.mark.web]


def _search_by_clicking(screen_map: ScreenMap) -> ScreenMap:
    data = screen_map.model_dump()
    steps = data["flows"]["Patient.search"]["steps"]
    steps[-2]["columns"] = None
    steps[-1] = {
        "for_each": "matches",
        "open": True,
        "back": "search_results",
        "steps": [
            {"expect": ["demographics"]},
            {"read": "all", "into": "patient"},
            {"emit": "patient", "bindings": ["patient"]},
        ],
    }
    return ScreenMap.model_validate(data)


async def test_open_each_row_and_come_back(make_runtime: RuntimeFactory, legacy_web_map: ScreenMap) -> None:
    page = await make_runtime(_search_by_clicking(legacy_web_map)).search("Patient", {"family": "Smith", "given": "J"})
    born = {resource["id"]: resource["birthDate"] for resource in page.resources}
    assert born["0100046"] == "1958-03-14"
    assert born["0100097"] == "1984-11-02"

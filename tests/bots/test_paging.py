"""Legacy paging: every page of a list read in one go, and FHIR paging driven by the legacy pager (cursor)."""

from __future__ import annotations

import pytest

from bots.screen_map import ScreenMap
from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.bots.conftest import RuntimeFactory

pytestmark = [pytest.mark.anyio, pytest.mark.web]


def _search_rows_only(screen_map: ScreenMap) -> ScreenMap:
    """Patient.search emitting the result rows themselves (no chart reads), to page through many quickly."""
    data = screen_map.model_dump()
    steps = data["flows"]["Patient.search"]["steps"]
    steps[-2]["columns"] = None
    steps[-1] = {"emit": "matches", "bindings": ["patient_row"]}
    data["bindings"]["patient_row"] = {
        "resource": "Patient",
        "id": "{mrn}",
        "rules": [
            {"path": "name[0].text", "field": "name"},
            {"path": "birthDate", "field": "dob", "type": "date", "format": "MM/DD/YYYY"},
        ],
    }
    return ScreenMap.model_validate(data)


async def test_all_pages_of_a_paged_list(make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer) -> None:
    labs = legacy_web_clean.query("SELECT COUNT(*) AS n FROM labs WHERE patient_id = 2")[0]["n"]
    assert labs > 20
    page = await make_runtime().search("Observation", {"patient": "0100097", "category": "laboratory"})
    assert len(page.resources) == labs
    assert page.next_cursor is None
    assert {resource["category"][0]["coding"][0]["code"] for resource in page.resources} == {"laboratory"}


async def test_cursor_follows_the_legacy_pager(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer, legacy_web_map: ScreenMap
) -> None:
    expected = legacy_web_clean.query("SELECT mrn FROM patients WHERE last_name LIKE 'S%'")
    runtime = make_runtime(_search_rows_only(legacy_web_map))
    first = await runtime.search("Patient", {"family": "S"})
    assert (len(first.resources), first.next_cursor) == (25, "2")
    second = await runtime.search("Patient", {"family": "S"}, first.next_cursor)
    assert (len(second.resources), second.next_cursor) == (len(expected) - 25, None)
    seen = [resource["id"] for resource in first.resources + second.resources]
    assert sorted(seen) == sorted(row["mrn"] for row in expected)
    beyond = await runtime.search("Patient", {"family": "S"}, "3")
    assert (beyond.resources, beyond.next_cursor) == ([], None)

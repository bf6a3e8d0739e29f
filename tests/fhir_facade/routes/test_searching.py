"""Search over HTTP: R4 parameter semantics, planning, paging links, includes, and unknown-parameter handling."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.fhir_facade.server import RunningFacade


def _ids(bundle: dict[str, Any], mode: str = "match") -> list[str]:
    return [entry["resource"]["id"] for entry in bundle.get("entry", []) if entry["search"]["mode"] == mode]


def _patients(practice_data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [resource for resource in practice_data if resource["resourceType"] == "Patient"]


def test_string_search_is_starts_with_and_ignores_case_and_accents(http: httpx.Client) -> None:
    assert "3" in _ids(http.get("/Patient", params={"family": "muller-o"}).json())
    assert "4" in _ids(http.get("/Patient", params={"family": "Nguyen", "given": "zoe"}).json())
    assert _ids(http.get("/Patient", params={"family": "uller"}).json()) == []
    contains = http.get("/Patient", params={"family:contains": "BRIEN", "birthdate": "1972-07-09"}).json()
    assert _ids(contains) == ["3"]
    exact = http.get("/Patient", params={"family:exact": "smith", "birthdate": "1958-03-14"}).json()
    assert _ids(exact) == [], ":exact is case-sensitive"
    assert _ids(http.get("/Patient", params={"family:exact": "Smith", "birthdate": "1958-03-14"}).json()) == ["1"]


def test_token_search_forms(http: httpx.Client, practice_data: list[dict[str, Any]]) -> None:
    mrn = next(patient for patient in _patients(practice_data) if patient["id"] == "5")["identifier"][0]["value"]
    assert _ids(http.get("/Patient", params={"identifier": f"urn:retrofhir:practice:mrn|{mrn}"}).json()) == ["5"]
    assert _ids(http.get("/Patient", params={"identifier": mrn}).json()) == ["5"]
    assert _ids(http.get("/Patient", params={"identifier": f"|{mrn}"}).json()) == [], "|code means no system"
    assert _ids(http.get("/Patient", params={"identifier": f"urn:other|{mrn}"}).json()) == []
    smiths = http.get("/Patient", params={"family": "smith", "gender": "female", "_count": "50"}).json()
    assert all(entry["resource"]["gender"] == "female" for entry in smiths.get("entry", []))
    lab = next(item for item in practice_data if item["id"].startswith("lab-"))
    patient, code = lab["subject"]["reference"], lab["code"]["coding"][0]["code"]
    expected = {
        item["id"]
        for item in practice_data
        if item["resourceType"] == "Observation"
        and item["subject"]["reference"] == patient
        and item["code"]["coding"][0]["code"] == code
    }
    labs = http.get("/Observation", params={"patient": patient, "code": f"http://loinc.org|{code}", "_count": "100"})
    assert set(_ids(labs.json())) == expected
    by_system = http.get("/Observation", params={"patient": patient, "code": "http://loinc.org|", "_count": "100"})
    assert len(_ids(by_system.json())) > len(expected)


def test_date_prefixes_and_partial_dates(http: httpx.Client, practice_data: list[dict[str, Any]]) -> None:
    smiths = [p for p in _patients(practice_data) if p["name"][0]["family"].startswith("Smith")]

    def expected(predicate: Any) -> list[str]:
        return sorted(p["id"] for p in smiths if predicate(p["birthDate"]))

    def found(value: str) -> list[str]:
        return sorted(
            _ids(http.get("/Patient", params={"family": "smith", "birthdate": value, "_count": "100"}).json())
        )

    assert found("1958") == expected(lambda d: d.startswith("1958"))
    assert found("1984-11") == expected(lambda d: d.startswith("1984-11"))
    assert found("ge1960-01-01") == expected(lambda d: d >= "1960-01-01")
    assert found("lt1960") == expected(lambda d: d < "1960")
    assert found("gt1984-11") == expected(lambda d: d >= "1984-12")
    assert found("le1984-11-02") == expected(lambda d: d <= "1984-11-02")
    assert found("ne1958-03-14") == expected(lambda d: d != "1958-03-14")
    assert found("sa1984-11-02") == expected(lambda d: d > "1984-11-02")
    assert found("eb1958-03-14") == expected(lambda d: d < "1958-03-14")
    assert "1" in found("ap1958-03-10")
    bad = http.get("/Patient", params={"family": "smith", "birthdate": "1958-13-45"})
    assert bad.status_code == 400
    assert bad.json()["issue"][0]["code"] == "value"


def test_reference_search_takes_an_id_or_a_typed_reference(http: httpx.Client) -> None:
    plain = _ids(http.get("/Encounter", params={"patient": "2", "_count": "100"}).json())
    typed = _ids(http.get("/Encounter", params={"patient": "Patient/2", "_count": "100"}).json())
    subject = _ids(http.get("/Encounter", params={"subject:Patient": "2", "_count": "100"}).json())
    assert plain
    assert plain == typed == subject


def test_pages_link_forward_and_back_with_opaque_cursors(http: httpx.Client) -> None:
    first = http.get("/Patient", params={"family": "smith", "_count": "3"}).json()
    assert first["total"] > 6
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert "previous" not in links
    second = http.get(links["next"]).json()
    second_links = {link["relation"]: link["url"] for link in second["link"]}
    third = http.get(second_links["next"]).json()
    back = http.get(second_links["previous"]).json()
    assert _ids(back) == _ids(first)
    assert not set(_ids(first)) & set(_ids(second))
    assert not set(_ids(second)) & set(_ids(third))
    again = http.get(second_links["self"]).json()
    assert _ids(again) == _ids(second), "a page's cursor keeps working"
    assert http.get("/Patient", params={"_page": "not-a-cursor"}).status_code == 400


def test_post_search_equals_get_search(http: httpx.Client) -> None:
    by_get = http.get("/Patient", params={"family": "nguyen", "_count": "50"}).json()
    by_post = http.post("/Patient/_search", data={"family": "nguyen", "_count": "50"}).json()
    assert _ids(by_get) == _ids(by_post)
    assert _ids(by_get)


def test_planner_pushes_down_what_the_legacy_screen_takes(facade: RunningFacade, http: httpx.Client) -> None:
    facade.provider.searches.clear()
    response = http.get("/Patient", params={"family": "smith", "gender": "male", "birthdate": "ge1950"})
    assert response.status_code == 200
    pushed = {param.name for param in facade.provider.searches[0].params}
    assert pushed == {"family"}, "gender is filtered by the facade; a prefixed date cannot be typed into the screen"


def test_a_search_the_legacy_screen_cannot_narrow_is_refused(http: httpx.Client) -> None:
    for params in ({}, {"gender": "male"}, {"family:contains": "mit"}, {"birthdate": "ge1990"}):
        response = http.get("/Patient", params=params)
        assert response.status_code == 400, params
        issue = response.json()["issue"][0]
        assert issue["code"] == "too-costly"
        assert "family" in issue["diagnostics"]
        assert "identifier" in issue["diagnostics"]
    assert http.get("/Observation", params={"code": "http://loinc.org|2345-7"}).status_code == 400


def test_several_comma_separated_values_are_a_union_of_legacy_searches(
    facade: RunningFacade, http: httpx.Client
) -> None:
    facade.provider.searches.clear()
    union = http.get("/Patient", params={"_id": "4,2,4,9"}).json()
    assert sorted(_ids(union)) == ["2", "4", "9"], "each patient once, even when two values find it"
    assert union["total"] == 3
    assert [search.params[0].values for search in facade.provider.searches] == [("4",), ("2",), ("4",), ("9",)]
    pages: list[str] = []
    url: str | None = "/Patient?_id=1,2,3,4,5&_count=2"
    while url is not None:
        page = http.get(url).json()
        pages += _ids(page)
        url = next((link["url"] for link in page["link"] if link["relation"] == "next"), None)
    assert sorted(pages) == ["1", "2", "3", "4", "5"], "the next links walk through every branch"
    smiths = set(_ids(http.get("/Patient", params={"family": "smith", "_count": "100"}).json()))
    nguyens = set(_ids(http.get("/Patient", params={"family": "nguyen", "_count": "100"}).json()))
    either = _ids(http.get("/Patient", params={"family": "smith,nguyen", "_count": "100"}).json())
    assert sorted(either) == sorted(smiths | nguyens)
    too_many = http.get("/Patient", params={"_id": ",".join(str(number) for number in range(1, 40))})
    assert too_many.status_code == 400
    assert too_many.json()["issue"][0]["code"] == "too-costly"


def test_unknown_parameters_are_reported_or_refused_when_strict(http: httpx.Client) -> None:
    lenient = http.get("/Patient", params={"family": "smith", "shoe-size": "12"}).json()
    outcomes = [entry for entry in lenient["entry"] if entry["search"]["mode"] == "outcome"]
    assert len(outcomes) == 1
    assert "shoe-size" in outcomes[0]["resource"]["issue"][0]["diagnostics"]
    strict = http.get("/Patient", params={"family": "smith", "shoe-size": "12"}, headers={"Prefer": "handling=strict"})
    assert strict.status_code == 400
    assert strict.json()["issue"][0]["code"] == "not-supported"
    assert http.get("/Patient", params={"family:sounds-like": "smith"}).status_code == 400


def test_sort_summary_count_and_elements(http: httpx.Client) -> None:
    ascending = http.get("/Patient", params={"family": "smith", "_sort": "birthdate", "_count": "100"}).json()
    dates = [entry["resource"]["birthDate"] for entry in ascending["entry"] if entry["search"]["mode"] == "match"]
    assert dates == sorted(dates)
    descending = http.get("/Patient", params={"family": "smith", "_sort": "-birthdate", "_count": "100"}).json()
    assert [e["resource"]["birthDate"] for e in descending["entry"]] == sorted(dates, reverse=True)
    counted = http.get("/Patient", params={"family": "smith", "gender": "male", "_summary": "count"}).json()
    assert "entry" not in counted
    assert counted["total"] >= 2
    subset = http.get("/Patient", params={"family": "smith", "_elements": "birthDate"}).json()
    resource = subset["entry"][0]["resource"]
    assert set(resource) == {"resourceType", "id", "meta", "birthDate"}
    assert resource["meta"]["tag"][0]["code"] == "SUBSETTED"
    summary = http.get("/Patient", params={"family": "smith", "_summary": "true"}).json()
    assert "name" in summary["entry"][0]["resource"]


@pytest.mark.parametrize("reference", ["patient", "subject"])
def test_include_and_revinclude(http: httpx.Client, reference: str) -> None:
    included = http.get("/Condition", params={"patient": "1", "_include": f"Condition:{reference}"}).json()
    assert _ids(included, "include") == ["1"]
    revincluded = http.get("/Patient", params={"_id": "2", "_revinclude": f"Encounter:{reference}"}).json()
    encounters = _ids(revincluded, "include")
    assert encounters
    assert all(item.startswith("visit-") for item in encounters)
    assert _ids(revincluded) == ["2"]


def test_concurrent_searches_and_live_reads_all_succeed(facade: RunningFacade, admin_token: str) -> None:
    async def scenario() -> list[int]:
        headers = {"Authorization": f"Bearer {admin_token}", "Cache-Control": "no-cache"}
        # 24 requests at once, each saving into SQLite: on a loaded machine that outlasts httpx's 5 s default.
        async with httpx.AsyncClient(base_url=facade.fhir_url, headers=headers, timeout=60) as client:
            calls = [client.get("/Observation", params={"patient": str(n), "_count": "20"}) for n in range(1, 13)]
            calls += [client.get(f"/Patient/{n}") for n in range(1, 13)]
            return [response.status_code for response in await asyncio.gather(*calls)]

    assert asyncio.run(scenario()) == [200] * 24

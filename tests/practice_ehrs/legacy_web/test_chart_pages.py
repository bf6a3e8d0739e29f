"""The chart: patient banner on every tab, each tab's grid against the database, lab pagination."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.practice_ehrs.legacy_web.browsing import main_frame, open_in_main

pytestmark = pytest.mark.web

TAB_LINKS = ("Demographics", "Visits", "Problems", "Allergies", "Medications", "Vitals", "Labs")


def legacy_date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%m/%d/%Y")


def grid_rows(page: Page, which: int = 0) -> list[str]:
    return main_frame(page).locator("table.grid").nth(which).locator("tr").all_inner_texts()[1:]


def test_every_tab_shows_the_patient_banner(nurse_page: Page, legacy_web: LegacyWebServer) -> None:
    frame = open_in_main(nurse_page, legacy_web, "/chart/2/demographics")
    for tab in TAB_LINKS:
        with frame.expect_navigation():
            frame.get_by_role("link", name=tab, exact=True).click()
        assert frame.url.endswith(f"/chart/2/{tab.lower()}")
        banner = frame.locator("table").first.inner_text()
        assert "Name: Smith, John R" in banner
        assert "DOB: 11/02/1984" in banner
        assert "Sex: M" in banner
        assert "MRN: " in banner


def test_demographics_and_sections_match_the_database(nurse_page: Page, legacy_web: LegacyWebServer) -> None:
    patient = legacy_web.query("SELECT * FROM patients WHERE id = 3")[0]
    open_in_main(nurse_page, legacy_web, "/chart/3/demographics")
    details = main_frame(nurse_page).locator("body")
    expect(details).to_contain_text("Müller-O'Brien")
    expect(details).to_contain_text(patient["phone"])
    expect(details).to_contain_text(patient["address_line"])

    problems = legacy_web.query("SELECT description, icd10 FROM problems WHERE patient_id = 3")
    open_in_main(nurse_page, legacy_web, "/chart/3/problems")
    shown = grid_rows(nurse_page)
    for problem in problems:
        assert any(problem["description"] in row and problem["icd10"] in row for row in shown)

    medications = legacy_web.query("SELECT drug_name, dose, sig FROM medications WHERE patient_id = 3")
    open_in_main(nurse_page, legacy_web, "/chart/3/medications")
    shown = grid_rows(nurse_page)
    assert len(shown) == max(len(medications), 1)
    for medication in medications:
        assert any(all(medication[key] in row for key in ("drug_name", "dose", "sig")) for row in shown)


def test_vitals_page_has_two_date_columns(nurse_page: Page, legacy_web: LegacyWebServer) -> None:
    vitals = legacy_web.query("SELECT taken_date, bp FROM vitals WHERE patient_id = 1 ORDER BY taken_date DESC")
    open_in_main(nurse_page, legacy_web, "/chart/1/vitals")

    main = main_frame(nurse_page)
    expect(main.get_by_text("Date", exact=True)).to_have_count(2)
    assert grid_rows(nurse_page)[0].startswith(legacy_date(vitals[0]["taken_date"]))
    assert vitals[0]["bp"] in grid_rows(nurse_page)[0]


def test_labs_page_ten_at_a_time(nurse_page: Page, legacy_web: LegacyWebServer) -> None:
    patient = legacy_web.query(
        "SELECT patient_id, COUNT(*) AS n FROM labs GROUP BY patient_id HAVING n > 20 ORDER BY patient_id LIMIT 1"
    )[0]
    pages = -(-patient["n"] // 10)
    frame = open_in_main(nurse_page, legacy_web, f"/chart/{patient['patient_id']}/labs")
    expect(main_frame(nurse_page).get_by_text(f"Page 1 of {pages}").first).to_be_visible()
    first = grid_rows(nurse_page)

    with frame.expect_navigation():
        frame.get_by_text("Next >>").first.click()

    expect(main_frame(nurse_page).get_by_text(f"Page 2 of {pages}").first).to_be_visible()
    second = grid_rows(nurse_page)
    assert len(first) == len(second) == 10
    newest = legacy_web.query(
        "SELECT test_name, value, collected_date FROM labs WHERE patient_id = ? ORDER BY collected_date DESC, id DESC",
        (patient["patient_id"],),
    )
    assert first[0].split("\t") == [
        newest[0]["test_name"],
        newest[0]["value"],
        *first[0].split("\t")[2:5],
        legacy_date(newest[0]["collected_date"]),
    ]
    assert second[0].split("\t")[:2] == [newest[10]["test_name"], newest[10]["value"]]


def test_unknown_patient_gets_a_legacy_error(nurse_page: Page, legacy_web: LegacyWebServer) -> None:
    open_in_main(nurse_page, legacy_web, "/chart/999999/vitals")

    expect(main_frame(nurse_page).locator("body")).to_contain_text("Patient not found.")

"""Patient search (criteria, ambiguous names, paging), registration and the recent-activity worklist."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.practice_ehrs.legacy_web.browsing import log_in, main_frame, open_in_main

pytestmark = pytest.mark.web


def search(page: Page, server: LegacyWebServer, **criteria: str) -> None:
    """Open the search page, type the criteria, press the image button and wait for the answer."""
    frame = open_in_main(page, server, "/search")
    for name in ("last", "first", "dob", "mrn"):
        frame.fill(f"input[name={name}]", criteria.get(name, ""))
    with frame.expect_navigation():
        frame.click("input[type=image]")


def result_rows(page: Page) -> list[str]:
    rows = main_frame(page).locator("table.grid tr")
    expect(rows.first).to_be_visible()
    return rows.all_inner_texts()[1:]


def test_both_john_smiths_are_found_by_case_insensitive_prefixes(nurse_page: Page, legacy_web: LegacyWebServer) -> None:
    search(nurse_page, legacy_web, last="SMI", first="jo")

    rows = [row for row in result_rows(nurse_page) if "Smith, John" in row]
    assert any("03/14/1958" in row for row in rows)
    assert any("11/02/1984" in row for row in rows)


def test_search_by_dob_and_by_mrn(nurse_page: Page, legacy_web: LegacyWebServer) -> None:
    search(nurse_page, legacy_web, dob="11/02/1984")
    assert any("Smith, John R" in row for row in result_rows(nurse_page))

    mrn = legacy_web.query("SELECT mrn FROM patients WHERE id = 4")[0]["mrn"]
    search(nurse_page, legacy_web, mrn=mrn)
    rows = result_rows(nurse_page)
    assert len(rows) == 1
    assert "Nguyen, Zoë T" in rows[0]


def test_results_page_25_at_a_time(nurse_page: Page, legacy_web: LegacyWebServer) -> None:
    total = legacy_web.query("SELECT COUNT(*) AS n FROM patients WHERE last_name LIKE 'M%'")[0]["n"]
    pages = -(-total // 25)
    assert pages >= 2
    search(nurse_page, legacy_web, last="m")
    main = main_frame(nurse_page)
    expect(main.get_by_text(f"Page 1 of {pages}").first).to_be_visible()
    first_page = result_rows(nurse_page)

    main.get_by_text("Next >>").first.click()

    expect(main.get_by_text(f"Page 2 of {pages}").first).to_be_visible()
    second_page = result_rows(nurse_page)
    assert len(first_page) == 25
    assert not set(first_page) & set(second_page)
    main.get_by_text("<< Prev").first.click()
    expect(main.get_by_text(f"Page 1 of {pages}").first).to_be_visible()


def test_search_without_criteria_or_with_a_bad_date_shows_the_error_banner(
    nurse_page: Page, legacy_web: LegacyWebServer
) -> None:
    search(nurse_page, legacy_web)
    expect(main_frame(nurse_page).locator("body")).to_contain_text("Please enter at least one search criterion")

    search(nurse_page, legacy_web, dob="1984-11-02")
    expect(main_frame(nurse_page).locator("body")).to_contain_text("DOB must be a date in MM/DD/YYYY format")


def test_registration_assigns_the_next_mrn_and_allows_duplicates(
    web_page: Page, legacy_web_clean: LegacyWebServer
) -> None:
    highest = legacy_web_clean.query("SELECT MAX(CAST(mrn AS INTEGER)) AS m FROM patients")[0]["m"]
    log_in(web_page, legacy_web_clean)
    web_page.on("dialog", lambda dialog: dialog.accept())
    for _ in range(2):
        frame = open_in_main(web_page, legacy_web_clean, "/patients/new")
        frame.fill("input[name=last_name]", "Öztürk")
        frame.fill("input[name=first_name]", "Ayşe")
        frame.fill("input[name=dob]", "02/29/1996")
        frame.select_option("select[name=sex]", "F")
        frame.fill("input[name=phone]", "(555) 010-2030")
        frame.click("input[type=image]")
        expect(main_frame(web_page).locator("body")).to_contain_text("Record saved")

    rows = legacy_web_clean.query("SELECT mrn, dob, sex FROM patients WHERE last_name = ? ORDER BY id", ("Öztürk",))
    assert rows == [
        {"mrn": f"{highest + 1:07d}", "dob": "1996-02-29", "sex": "F"},
        {"mrn": f"{highest + 2:07d}", "dob": "1996-02-29", "sex": "F"},
    ]
    main_frame(web_page).get_by_text("Return to chart").click()
    expect(main_frame(web_page).locator("body")).to_contain_text(f"MRN: {highest + 2:07d}")


def test_registration_validates_formats(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    before = legacy_web_clean.query("SELECT COUNT(*) AS n FROM patients")
    log_in(web_page, legacy_web_clean)
    web_page.on("dialog", lambda dialog: dialog.accept())
    frame = open_in_main(web_page, legacy_web_clean, "/patients/new")
    frame.fill("input[name=first_name]", "Ann")
    frame.fill("input[name=dob]", "2/3/1990")
    frame.fill("input[name=zip]", "1234")
    frame.click("input[type=image]")

    banner = main_frame(web_page).locator("body")
    expect(banner).to_contain_text("Last Name is required")
    expect(banner).to_contain_text("DOB must be a date in MM/DD/YYYY format")
    expect(banner).to_contain_text("Sex must be one of M, F, U")
    expect(banner).to_contain_text("Zip must be 5 digits or ZIP+4")
    assert legacy_web_clean.query("SELECT COUNT(*) AS n FROM patients") == before


def test_recent_activity_lists_patients_changed_since_a_date(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    log_in(web_page, legacy_web_clean)
    web_page.on("dialog", lambda dialog: dialog.accept())
    frame = open_in_main(web_page, legacy_web_clean, "/chart/4/demographics/edit")
    frame.fill("input[name=city]", "Springfield")
    frame.click("input[type=image]")
    expect(main_frame(web_page).locator("body")).to_contain_text("Record saved")

    today = datetime.now(UTC).strftime("%m/%d/%Y")
    open_in_main(web_page, legacy_web_clean, f"/activity?since={today}")
    rows = result_rows(web_page)
    assert len(rows) == 1
    assert "Nguyen, Zoë T" in rows[0]

"""Each fault knob has an effect the browser sees: latency, 500 pages, and the UI version 2 "vendor upgrade"."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.practice_ehrs.legacy_web.browsing import log_in, main_frame, open_in_main

pytestmark = pytest.mark.web


def test_failure_rate_one_answers_with_the_legacy_500_page(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    legacy_web_clean.set_knobs(failure_rate=1)

    response = web_page.goto(f"{legacy_web_clean.base_url}/login")

    assert response is not None
    assert response.status == 500
    expect(web_page.locator("body")).to_contain_text("HTTP Status 500 - Internal Server Error")
    assert "Traceback" not in web_page.content()
    legacy_web_clean.set_knobs(failure_rate=0)
    assert web_page.goto(f"{legacy_web_clean.base_url}/login").status == 200  # type: ignore[union-attr]


def test_added_latency_makes_every_page_at_least_that_slow(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    legacy_web_clean.set_knobs(latency_ms=600)

    started = time.monotonic()
    web_page.goto(f"{legacy_web_clean.base_url}/login")

    assert time.monotonic() - started >= 0.6


def test_ui_version_2_renames_moves_and_restructures_but_keeps_working(
    web_page: Page, legacy_web_clean: LegacyWebServer
) -> None:
    log_in(web_page, legacy_web_clean)
    v1_labels = main_frame(web_page).locator("form td b").all_inner_texts()
    assert v1_labels == ["Last Name:", "First Name:", "DOB:", "MRN:"]
    legacy_web_clean.set_knobs(ui_version=2)

    frame = open_in_main(web_page, legacy_web_clean, "/search")
    assert frame.locator("form .lbl").all_inner_texts()[:4] == ["Med Rec #", "Birth Date", "Surname", "Given Name"]
    assert frame.locator("form table").count() == 0

    open_in_main(web_page, legacy_web_clean, "/chart/1/vitals")
    main = main_frame(web_page)
    expect(main.locator("ul.tabs")).to_contain_text("Vital Signs")
    expect(main.locator("table.grid th").first).to_have_text("Blood Pressure")
    expect(main.locator("table.grid").first).to_contain_text("Wt (lbs)")
    expect(main.locator("div.banner")).to_contain_text("Birth Date: 03/14/1958")

    before = legacy_web_clean.query("SELECT COUNT(*) AS n FROM vitals WHERE patient_id = 1")[0]["n"]
    web_page.on("dialog", lambda dialog: dialog.accept())
    main.get_by_text("+ Vitals").click()
    main.locator("input[name=pulse]").fill("fast")
    main.locator("input[type=image]").click()
    expect(main.locator("div.err")).to_contain_text("Heart Rate must be a whole number")
    main.locator("input[name=pulse]").fill("66")
    main.locator("input[type=image]").click()
    expect(main.locator("body")).to_contain_text("Record saved")
    after = legacy_web_clean.query("SELECT COUNT(*) AS n FROM vitals WHERE patient_id = 1")[0]["n"]
    assert after == before + 1

"""The maintenance notice knob: off by default, once per session, and nothing else shows until it is acknowledged.

Its at-login variant shows the notice in place of the page login lands on.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from practice_ehrs.legacy_web.knobs import KnobError, Knobs
from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.practice_ehrs.legacy_web.browsing import log_in, main_frame, open_in_main

CHART = "/chart/1/demographics"


def test_the_knob_is_off_by_default_and_a_chance() -> None:
    assert Knobs().maintenance_notice == 0.0
    assert Knobs().updated({"maintenance_notice": "1"}).maintenance_notice == 1.0
    with pytest.raises(KnobError):
        Knobs().updated({"maintenance_notice": "1.5"})


def test_without_the_knob_the_chart_opens(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    log_in(web_page, legacy_web_clean)

    frame = open_in_main(web_page, legacy_web_clean, CHART)

    assert frame.url.endswith(CHART)


def test_the_notice_replaces_a_chart_page_until_acknowledged_then_never_again(
    web_page: Page, legacy_web_clean: LegacyWebServer
) -> None:
    assert legacy_web_clean.set_knobs(maintenance_notice=1.0)["maintenance_notice"] == 1.0
    log_in(web_page, legacy_web_clean)

    frame = open_in_main(web_page, legacy_web_clean, CHART)
    assert "/notice?next=" in frame.url
    expect(frame.get_by_text("scheduled maintenance tonight")).to_be_visible()
    frame = open_in_main(web_page, legacy_web_clean, "/search")
    assert "/notice?next=" in frame.url  # nothing else shows until the notice is acknowledged

    frame.get_by_role("button", name="Acknowledge").click()
    expect(frame.locator("input[name=mrn]")).to_be_visible()
    assert frame.url.endswith("/search")
    frame = open_in_main(web_page, legacy_web_clean, CHART)
    assert frame.url.endswith(CHART)
    expect(frame.get_by_text("scheduled maintenance tonight")).to_have_count(0)


def test_the_at_login_variant_is_0_or_1() -> None:
    assert Knobs().maintenance_notice_at_login == 0
    with pytest.raises(KnobError):
        Knobs().updated({"maintenance_notice_at_login": "2"})


def test_at_login_the_notice_replaces_the_page_login_lands_on(
    web_page: Page, legacy_web_clean: LegacyWebServer
) -> None:
    legacy_web_clean.set_knobs(maintenance_notice=1.0, maintenance_notice_at_login=1)
    web_page.goto(f"{legacy_web_clean.base_url}/login")
    web_page.fill("input[name=username]", "nurse")
    web_page.fill("input[name=password]", "nurse123")
    web_page.click("input[type=submit]")

    expect(web_page.get_by_text("scheduled maintenance tonight")).to_be_visible()
    assert "/notice?next=" in web_page.url
    web_page.get_by_role("button", name="Acknowledge").click()
    expect(main_frame(web_page).locator("input[name=last]")).to_be_visible()
    frame = open_in_main(web_page, legacy_web_clean, CHART)
    assert frame.url.endswith(CHART)

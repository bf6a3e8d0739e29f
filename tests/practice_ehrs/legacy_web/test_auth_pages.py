"""Login, seats, logout and session expiry of the practice web EHR, driven through Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.practice_ehrs.legacy_web.browsing import log_in, main_frame

pytestmark = pytest.mark.web


def test_login_shows_frameset_with_user_and_menu(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    log_in(web_page, legacy_web_clean)

    expect(web_page.frame_locator("frame[name=banner]").locator("body")).to_contain_text("User: Night Nurse")
    expect(web_page.frame_locator("frame[name=nav]").get_by_text("Patient Search")).to_be_visible()


def test_wrong_password_is_refused(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    web_page.goto(f"{legacy_web_clean.base_url}/login")
    web_page.fill("input[name=username]", "nurse")
    web_page.fill("input[name=password]", "wrong")
    web_page.click("input[type=submit]")

    expect(web_page.locator("body")).to_contain_text("Invalid user name or password.")


def test_clinical_pages_need_a_login(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    web_page.goto(f"{legacy_web_clean.base_url}/chart/1/vitals")

    expect(web_page).to_have_url(f"{legacy_web_clean.base_url}/login")
    expect(web_page.locator("body")).not_to_contain_text("expired")


def test_seat_limit_logout_and_expiry_free_seats(chromium: Browser, legacy_web_clean: LegacyWebServer) -> None:
    legacy_web_clean.set_knobs(seat_limit=1)
    first, second = chromium.new_context(), chromium.new_context()
    try:
        alice, bob = first.new_page(), second.new_page()
        log_in(alice, legacy_web_clean)

        bob.goto(f"{legacy_web_clean.base_url}/login")
        bob.fill("input[name=username]", "jdoe")
        bob.fill("input[name=password]", "welcome1")
        bob.click("input[type=submit]")
        expect(bob.locator("body")).to_contain_text("Maximum number of concurrent users reached")

        alice.frame_locator("frame[name=banner]").get_by_text("Log Off").click()
        expect(alice).to_have_url(f"{legacy_web_clean.base_url}/login")
        log_in(bob, legacy_web_clean, "jdoe", "welcome1")

        legacy_web_clean.set_knobs(idle_timeout_s=0)
        legacy_web_clean.set_knobs(idle_timeout_s=900)
        log_in(alice, legacy_web_clean)
    finally:
        first.close()
        second.close()


def test_idle_timeout_sends_the_frame_to_login_with_expired_banner(
    web_page: Page, legacy_web_clean: LegacyWebServer
) -> None:
    log_in(web_page, legacy_web_clean)
    legacy_web_clean.set_knobs(idle_timeout_s=0)

    web_page.frame_locator("frame[name=nav]").get_by_text("Recent Activity").click()

    expect(main_frame(web_page).locator("body")).to_contain_text("Your session has expired.")
    assert web_page.url == f"{legacy_web_clean.base_url}/"


def test_forced_expiry_then_login_again_from_inside_the_frame(
    web_page: Page, legacy_web_clean: LegacyWebServer
) -> None:
    log_in(web_page, legacy_web_clean)
    assert legacy_web_clean.expire_sessions() == 1

    web_page.frame_locator("frame[name=nav]").get_by_text("Patient Search").click()
    main = main_frame(web_page)
    expect(main.locator("body")).to_contain_text("Your session has expired.")
    main.locator("input[name=username]").fill("nurse")
    main.locator("input[name=password]").fill("nurse123")
    main.locator("input[type=submit]").click()

    expect(web_page).to_have_url(f"{legacy_web_clean.base_url}/")
    expect(main_frame(web_page).locator("input[name=last]")).to_be_visible()

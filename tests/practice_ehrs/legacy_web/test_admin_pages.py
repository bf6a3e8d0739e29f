"""The admin endpoints: token required, JSON knobs API, HTML admin page, forced expiry."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from practice_ehrs.legacy_web.admin_pages import ADMIN_TOKEN_HEADER
from practice_ehrs.legacy_web.runner import LegacyWebServer


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/admin"), ("GET", "/admin/knobs"), ("POST", "/admin/knobs"), ("POST", "/admin/reset")],
)
def test_admin_needs_the_token(legacy_web_clean: LegacyWebServer, method: str, path: str) -> None:
    anonymous = httpx.request(method, f"{legacy_web_clean.base_url}{path}", json={"ui_version": 2})
    wrong = httpx.request(method, f"{legacy_web_clean.base_url}{path}", headers={ADMIN_TOKEN_HEADER: "guess"})

    assert anonymous.status_code == wrong.status_code == 403
    assert legacy_web_clean.knobs()["ui_version"] == 1


def test_knob_values_are_validated(legacy_web_clean: LegacyWebServer) -> None:
    for bad in ({"ui_version": 3}, {"failure_rate": 2}, {"seat_limit": "many"}, {"colour": "blue"}):
        response = httpx.post(
            f"{legacy_web_clean.base_url}/admin/knobs",
            json=bad,
            headers={ADMIN_TOKEN_HEADER: legacy_web_clean.admin_token},
        )
        assert response.status_code == 400
    assert legacy_web_clean.knobs() == {
        "latency_ms": 0,
        "failure_rate": 0.0,
        "idle_timeout_s": 900.0,
        "seat_limit": 3,
        "ui_version": 1,
        "maintenance_notice": 0.0,
        "maintenance_notice_at_login": 0,
    }


@pytest.mark.web
def test_html_admin_page_sets_knobs(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    web_page.goto(f"{legacy_web_clean.base_url}/admin?token={legacy_web_clean.admin_token}")
    web_page.fill("input[name=seat_limit]", "5")
    web_page.fill("input[name=ui_version]", "2")
    web_page.click("input[value='Apply knobs']")

    expect(web_page.locator("body")).to_contain_text("Knobs applied.")
    assert legacy_web_clean.knobs()["seat_limit"] == 5
    assert legacy_web_clean.knobs()["ui_version"] == 2
    web_page.click("input[value='Reset database, knobs and sessions']")
    expect(web_page.locator("body")).to_contain_text("Database, knobs and sessions reset.")
    assert legacy_web_clean.knobs()["ui_version"] == 1

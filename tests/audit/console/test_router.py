"""The auditor console in a real Chromium against a real facade with real signed tokens."""

from __future__ import annotations

import time
from pathlib import Path
from unittest.mock import patch
from urllib.parse import quote

import httpx
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from audit.console import COOKIE_NAME
from audit.schema import ChainRecord
from tests.audit.console.conftest import HOSTILE_VALUE, Console


def _log_in(browser: Browser, console: Console, token: str) -> Page:
    context = browser.new_context(base_url=console.root_url, accept_downloads=True)
    page = context.new_page()
    page.goto("/audit/runs")
    assert page.url.endswith("/audit/login")
    page.fill("#token", token)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def _views(console: Console, via: str) -> list[str]:
    with console.trail.session() as session:
        query = select(ChainRecord.payload).where(ChainRecord.kind == "view").order_by(ChainRecord.seq)
        return [payload or "" for payload in session.scalars(query) if f'"via":"{via}"' in (payload or "")]


def test_an_auditor_filters_opens_a_run_steps_through_it_and_exports(
    audit_browser: Browser, console: Console, tmp_path: Path
) -> None:
    page = _log_in(audit_browser, console, console.token("auditor-app", "auditor"))
    try:
        page.wait_for_url("**/audit/runs")
        expect(page.locator("#run-count")).to_have_text("27 runs, page 1 of 2")
        expect(page.locator("#runs tbody tr")).to_have_count(20)
        page.click("#next-page")
        expect(page.locator("#runs tbody tr")).to_have_count(7)
        page.select_option("select[name=source]", "legacy-desktop")
        page.click("#filters button[type=submit]")
        expect(page.locator("#run-count")).to_have_text("2 runs, page 1 of 1")
        page.select_option("select[name=drift]", "yes")
        page.click("#filters button[type=submit]")
        expect(page.locator("#run-count")).to_have_text("1 run, page 1 of 1")
        hostile = '"><script>window.pwned=1</script>'
        page.goto(f"/audit/runs?patient={quote(hostile)}")
        assert page.evaluate("window.pwned") is None
        assert page.input_value("input[name=patient]") == hostile
        page.goto("/audit/runs?outcome=8")
        assert page.locator("#runs tbody tr", has_text="legacy-desktop").count() == 1
        page.fill("input[name=patient]", "p-9")
        page.select_option("select[name=outcome]", "")
        page.click("#filters button[type=submit]")
        expect(page.locator("#runs tbody tr")).to_have_count(1)
        expect(page.locator("#runs tbody tr")).to_contain_text("p-9")
        page.click("#runs >> text=Open")
        page.wait_for_url("**/audit/runs/run-hostile")
        assert "Intact: 8 records and 3 screenshots" in page.inner_text("#chain-status")
        page.click("#access-log summary")
        assert page.locator("#access-log tbody tr", has_text="auditor-app").count() >= 2
        page.click("#response-body summary")
        assert f'"family": "{HOSTILE_VALUE}"' in page.inner_text("#response-body pre")
        expect(page.locator("#step-heading")).to_have_text("Step 1 of 3")
        page.click("#next-step")
        expect(page.locator("#step-heading")).to_have_text("Step 2 of 3")
        expect(page.locator("#step-value")).to_have_text(HOSTILE_VALUE)
        assert page.evaluate("window.pwned") is None
        expect(page.locator("#current-screenshot")).to_have_js_property("complete", True)
        assert page.eval_on_selector("#current-screenshot", "image => image.naturalWidth") == 640
        expect(page.locator("#current-close-up")).to_have_js_property("complete", True)
        assert page.eval_on_selector("#current-close-up", "image => image.naturalHeight") == 260
        expect(page.locator("#filmstrip img")).to_have_count(3)
        page.click("#next-step")
        expect(page.locator("#step-heading")).to_have_text("Step 3 of 3")
        expect(page.locator("#next-step")).to_have_count(0)
        page.click("#previous-step")
        expect(page.locator("#step-heading")).to_have_text("Step 2 of 3")
        with page.expect_download() as download:
            page.click("#export")
        saved = tmp_path / "evidence.html"
        download.value.save_as(saved)
        page.goto(saved.as_uri())
        page.click("#recheck")
        expect(page.locator("#recheck-result")).not_to_have_class("muted")
        assert page.inner_text("#recheck-result").startswith("Verified: 12 records and 3 screenshots")
    finally:
        page.context.close()
    assert any('"run_ids":["run-hostile"]' in view for view in _views(console, "console:run"))
    assert any("auditor-app" in view for view in _views(console, "export"))


def test_a_write_run_links_to_its_provenance(audit_browser: Browser, console: Console) -> None:
    page = _log_in(audit_browser, console, console.token("auditor-app", "auditor"))
    try:
        page.goto("/audit/runs/run-write")
        page.click("#provenance")
        page.wait_for_url("**/audit/runs/run-write/provenance")
        expect(page.locator("body")).to_contain_text('"resourceType": "Provenance"')
        expect(page.locator("body")).to_contain_text('"reference": "Observation/obs-77"')
    finally:
        page.context.close()


def test_a_token_without_the_auditor_role_gets_403(audit_browser: Browser, console: Console) -> None:
    token = console.token("integrator", "system/Patient.rs")
    page = _log_in(audit_browser, console, token)
    try:
        assert page.inner_text("#login-error") == "That token does not carry the 'auditor' role."
    finally:
        page.context.close()
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/audit/runs", "/audit/runs/run-01", "/audit/runs/run-01/export"):
        response = httpx.get(f"{console.root_url}{path}", headers=headers, follow_redirects=False)
        assert response.status_code == 403, path
    stolen = httpx.get(f"{console.root_url}/audit/runs", cookies={"retrofhir_audit_token": token})
    assert stolen.status_code == 403
    anonymous = httpx.get(f"{console.root_url}/audit/runs/run-01", follow_redirects=False)
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/audit/login")
    forged = httpx.get(
        f"{console.root_url}/audit/runs", headers={"Authorization": "Bearer not.a.token"}, follow_redirects=True
    )
    assert forged.status_code == 200
    assert "Auditor log-in" in forged.text


def test_a_run_whose_process_died_shows_as_interrupted(console: Console) -> None:
    headers = {"Authorization": f"Bearer {console.token('auditor-app', 'auditor')}"}
    listed = httpx.get(f"{console.root_url}/audit/runs", params={"patient": "p-6"}, headers=headers)
    assert listed.status_code == 200
    assert 'class="badge interrupted"' in listed.text
    assert "run-interrupted" in listed.text
    opened = httpx.get(f"{console.root_url}/audit/runs/run-interrupted", headers=headers)
    assert "interrupted: its process ended before the run did" in opened.text
    finished = httpx.get(f"{console.root_url}/audit/runs", params={"patient": "p-1"}, headers=headers)
    assert "badge interrupted" not in finished.text


def test_a_console_session_past_half_its_token_lifetime_gets_a_fresh_token(console: Console) -> None:
    service = console.token_service
    lifetime = service.settings.token_lifetime_seconds
    with patch("fhir_facade.auth.tokens.time.time", return_value=time.time() - lifetime * 0.75):
        aged = service.issue("auditor-app", ["auditor", "system/*.rs"])
    fresh = console.token("auditor-app", "auditor")
    kept = httpx.get(f"{console.root_url}/audit/runs", cookies={COOKIE_NAME: fresh})
    assert kept.status_code == 200
    assert COOKIE_NAME not in kept.cookies
    renewed = httpx.get(f"{console.root_url}/audit/runs", cookies={COOKIE_NAME: aged})
    assert renewed.status_code == 200
    token = renewed.cookies[COOKIE_NAME]
    assert token != aged
    principal = service.verify_access_token(token)
    assert (principal.client_id, principal.scopes.has_role("auditor")) == ("auditor-app", True)
    assert "HttpOnly" in renewed.headers["set-cookie"]
    assert "SameSite=strict" in renewed.headers["set-cookie"]
    by_header = httpx.get(f"{console.root_url}/audit/runs", headers={"Authorization": f"Bearer {aged}"})
    assert COOKIE_NAME not in by_header.cookies  # API clients manage their own tokens

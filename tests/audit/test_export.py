"""The evidence file: self-contained, escaped, re-checkable offline in a real browser, and recorded as a view."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser
from sqlalchemy import select

from audit import AuditTrail
from audit.export import export_run_html
from audit.schema import ChainRecord
from tests.audit.conftest import make_run, record_runs

HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


def _export(trail: AuditTrail, tmp_path: Path) -> Path:
    record_runs(trail, [make_run("run-x", fields={"Family name": HOSTILE, "Given name": "Ann"})])
    path = tmp_path / "evidence.html"
    path.write_text(export_run_html(trail, "run-x", viewer="auditor-1"), encoding="utf-8")
    return path


def test_the_evidence_file_opens_offline_shows_markup_as_text_and_re_checks(
    trail: AuditTrail, tmp_path: Path, audit_browser: Browser
) -> None:
    path = _export(trail, tmp_path)
    html = path.read_text(encoding="utf-8")
    assert "<script>window.pwned" not in html
    assert "http://" not in html.replace("http://hl7.org", "").replace("http://terminology.hl7.org", "").replace(
        "http://dicom.nema.org", ""
    )
    context = audit_browser.new_context(offline=True)
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(path.as_uri())
        assert page.evaluate("window.pwned") is None
        assert page.locator("#step-3 td", has_text="window.pwned").count() == 1
        assert page.locator("img[alt^='Screenshot']").count() == 3
        widths = page.eval_on_selector_all("img[alt^='Screenshot']", "images => images.map(i => i.naturalWidth)")
        assert widths == [640, 640, 640]
        page.click("#recheck")
        page.wait_for_function("document.getElementById('recheck-result').className !== 'muted'")
        assert page.inner_text("#recheck-result").startswith("Verified: 6 records and 3 screenshots")
        assert all(url.startswith(("file:", "data:")) for url in requests)
    finally:
        context.close()


def test_an_altered_evidence_file_fails_its_own_re_check(
    trail: AuditTrail, tmp_path: Path, audit_browser: Browser
) -> None:
    path = _export(trail, tmp_path)
    html = path.read_text(encoding="utf-8")
    stored_value = '\\"value\\":\\"Ann\\"'
    assert html.count(stored_value) == 1
    path.write_text(html.replace(stored_value, '\\"value\\":\\"Bob\\"'), encoding="utf-8")
    page = audit_browser.new_page()
    try:
        page.goto(path.as_uri())
        page.click("#recheck")
        page.wait_for_function("document.getElementById('recheck-result').className !== 'muted'")
        assert page.inner_text("#recheck-result").startswith("NOT VERIFIED: record 4: payload does not match")
    finally:
        page.close()


def test_exporting_is_recorded_as_a_view(trail: AuditTrail, tmp_path: Path) -> None:
    _export(trail, tmp_path)
    with trail.session() as session:
        view = session.scalars(select(ChainRecord).where(ChainRecord.kind == "view")).one()
    assert (view.run_id, view.payload) == ("run-x", '{"run_ids":["run-x"],"via":"export","viewer":"auditor-1"}')

"""Entry forms through Chromium: confirm dialog, exactly-once writes, error banners, literal text round trips."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.practice_ehrs.legacy_web.browsing import log_in, main_frame, open_in_main

pytestmark = pytest.mark.web

TRICKY = "a<b>&amp; \"quoted\" 'single' José 98.6°F 🙂\ttab\nsecond line"


def count_vitals(server: LegacyWebServer, patient_id: int) -> int:
    return int(server.query("SELECT COUNT(*) AS n FROM vitals WHERE patient_id = ?", (patient_id,))[0]["n"])


def updated_at(server: LegacyWebServer, patient_id: int) -> str:
    return str(server.query("SELECT updated_at FROM patients WHERE id = ?", (patient_id,))[0]["updated_at"])


def fill_vitals(page: Page, server: LegacyWebServer, patient_id: int, **values: str) -> None:
    frame = open_in_main(page, server, f"/chart/{patient_id}/vitals/new")
    for name, value in values.items():
        selector = "textarea[name=comment]" if name == "comment" else f"input[name={name}]"
        frame.fill(selector, value)


def test_saving_vitals_asks_to_confirm_and_writes_exactly_once(
    web_page: Page, legacy_web_clean: LegacyWebServer
) -> None:
    before, stamp = count_vitals(legacy_web_clean, 1), updated_at(legacy_web_clean, 1)
    log_in(web_page, legacy_web_clean)
    messages: list[str] = []

    def accept(dialog: Dialog) -> None:
        messages.append(dialog.message)
        dialog.accept()

    web_page.on("dialog", accept)
    fill_vitals(
        web_page,
        legacy_web_clean,
        1,
        taken_date="03/04/2025",
        taken_time="14:05",
        weight_lb="182.4",
        height_in="70",
        bp="128/82",
        temp_f="98.6",
        pulse="72",
        spo2="97",
    )
    main_frame(web_page).locator("input[type=image]").click()

    expect(main_frame(web_page).locator("body")).to_contain_text("Record saved")
    assert messages == ["Save this record?"]
    rows = legacy_web_clean.query("SELECT * FROM vitals WHERE patient_id = 1 AND taken_date = '2025-03-04'")
    assert len(rows) == 1
    assert count_vitals(legacy_web_clean, 1) == before + 1
    assert {key: rows[0][key] for key in ("taken_time", "weight_lb", "height_in", "bp", "temp_f", "pulse", "spo2")} == {
        "taken_time": "14:05",
        "weight_lb": 182.4,
        "height_in": 70.0,
        "bp": "128/82",
        "temp_f": 98.6,
        "pulse": 72,
        "spo2": 97,
    }
    assert rows[0]["entered_by"] == "nurse"
    assert updated_at(legacy_web_clean, 1) > stamp

    main_frame(web_page).get_by_text("Return to chart").click()
    expect(main_frame(web_page).locator("table.grid").first).to_contain_text("03/04/2025")


def test_dismissing_the_confirm_dialog_writes_nothing(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    before = count_vitals(legacy_web_clean, 2)
    log_in(web_page, legacy_web_clean)
    dismissed: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dismissed.append(dialog.message)
        dialog.dismiss()

    web_page.on("dialog", dismiss)
    fill_vitals(web_page, legacy_web_clean, 2, pulse="80")
    main_frame(web_page).locator("input[type=image]").click()

    expect(main_frame(web_page).locator("input[name=pulse]")).to_have_value("80")
    assert dismissed == ["Save this record?"]
    assert count_vitals(legacy_web_clean, 2) == before


def test_bad_vitals_show_the_error_banner_keep_the_input_and_write_nothing(
    web_page: Page, legacy_web_clean: LegacyWebServer
) -> None:
    before, stamp = count_vitals(legacy_web_clean, 1), updated_at(legacy_web_clean, 1)
    log_in(web_page, legacy_web_clean)
    web_page.on("dialog", lambda dialog: dialog.accept())
    comment = "\nstarts with a newline <keep>"
    fill_vitals(
        web_page,
        legacy_web_clean,
        1,
        taken_date="02/30/2025",
        weight_lb="heavy",
        bp="12080",
        pulse="400",
        comment=comment,
    )
    main_frame(web_page).locator("input[type=image]").click()

    banner = main_frame(web_page).locator("table").filter(has_text="ERROR:").first
    expect(banner).to_contain_text("Date is not a valid calendar date")
    expect(banner).to_contain_text("Weight (lb) must be a number")
    expect(banner).to_contain_text("BP must look like 120/80")
    expect(banner).to_contain_text("Pulse must be between 20 and 250")
    expect(main_frame(web_page).locator("textarea[name=comment]")).to_have_value(comment)
    expect(main_frame(web_page).locator("input[name=weight_lb]")).to_have_value("heavy")
    assert count_vitals(legacy_web_clean, 1) == before
    assert updated_at(legacy_web_clean, 1) == stamp


def test_tricky_text_round_trips_exactly(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    log_in(web_page, legacy_web_clean)
    web_page.on("dialog", lambda dialog: dialog.accept())
    fill_vitals(web_page, legacy_web_clean, 5, taken_date="01/02/2026", taken_time="09:30", spo2="99", comment=TRICKY)
    main_frame(web_page).locator("input[type=image]").click()
    expect(main_frame(web_page).locator("body")).to_contain_text("Record saved")

    frame = open_in_main(web_page, legacy_web_clean, "/chart/5/allergies/new")
    frame.fill("input[name=allergen]", "peanuts - severe <b>&</b>")
    frame.fill("input[name=reaction]", 'hives, "throat" swelling ° é')
    frame.select_option("select[name=severity]", "Severe")
    frame.click("input[type=image]")
    expect(main_frame(web_page).locator("body")).to_contain_text("Record saved")

    stored = legacy_web_clean.query("SELECT comment FROM vitals WHERE patient_id = 5 AND taken_date = '2026-01-02'")
    assert stored == [{"comment": TRICKY}]
    allergy = legacy_web_clean.query(
        "SELECT allergen, reaction, severity FROM allergies WHERE patient_id = 5 AND severity = 'Severe'"
    )
    assert allergy == [
        {"allergen": "peanuts - severe <b>&</b>", "reaction": 'hives, "throat" swelling ° é', "severity": "Severe"}
    ]

    open_in_main(web_page, legacy_web_clean, "/chart/5/vitals")
    cell = main_frame(web_page).locator("table.grid").first.locator("td", has_text="quoted")
    assert cell.text_content() == TRICKY
    open_in_main(web_page, legacy_web_clean, "/chart/5/allergies")
    expect(main_frame(web_page).locator("table.grid")).to_contain_text("peanuts - severe <b>&</b>")


def test_add_problem_and_edit_demographics(web_page: Page, legacy_web_clean: LegacyWebServer) -> None:
    log_in(web_page, legacy_web_clean)
    web_page.on("dialog", lambda dialog: dialog.accept())
    frame = open_in_main(web_page, legacy_web_clean, "/chart/4/problems/new")
    frame.fill("input[name=description]", "Type 2 diabetes mellitus without complications")
    frame.fill("input[name=icd10]", "E11.9")
    frame.fill("input[name=onset_date]", "05/06/2020")
    frame.click("input[type=image]")
    expect(main_frame(web_page).locator("body")).to_contain_text("Record saved")
    open_in_main(web_page, legacy_web_clean, "/chart/4/problems")
    expect(main_frame(web_page).locator("table.grid")).to_contain_text("E11.9")

    frame = open_in_main(web_page, legacy_web_clean, "/chart/4/demographics/edit")
    frame.fill("input[name=phone]", "555-0100")
    frame.click("input[type=image]")
    expect(main_frame(web_page).locator("body")).to_contain_text("Phone must look like (555) 555-1234")
    frame.fill("input[name=phone]", "(555) 555-0100")
    frame.fill("input[name=address_line]", "12 Rue de l'Église")
    frame.fill("input[name=state]", "VT")
    frame.fill("input[name=zip]", "05401-1234")
    frame.click("input[type=image]")
    expect(main_frame(web_page).locator("body")).to_contain_text("Record saved")

    patient = legacy_web_clean.query("SELECT phone, address_line, state, zip FROM patients WHERE id = 4")[0]
    assert patient == {
        "phone": "(555) 555-0100",
        "address_line": "12 Rue de l'Église",
        "state": "VT",
        "zip": "05401-1234",
    }
    problem = legacy_web_clean.query(
        "SELECT icd10, onset_date, status FROM problems WHERE patient_id = 4 AND icd10 = 'E11.9'"
    )
    assert problem == [{"icd10": "E11.9", "onset_date": "2020-05-06", "status": "Active"}]

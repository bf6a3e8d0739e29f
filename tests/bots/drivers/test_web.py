"""The web driver against real pages in real Chromium: locating (frames, ambiguity, image buttons), typing, dialogs."""

from __future__ import annotations

import pytest

from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.web import WebDriver
from bots.errors import AmbiguousElement, ElementNotFound, InputRejected, LegacyUnreachable
from bots.literal_text import check_literal
from bots.locators import CssLocator, DataTestIdLocator, FrameRef, LabelLocator, RoleLocator, TextLocator, locate
from bots.map_models import Timeouts
from practice_ehrs.legacy_web.runner import LegacyWebServer, free_port
from retrofhir.config import BrowserSettings

pytestmark = [pytest.mark.anyio, pytest.mark.web]
TRICKY = "a\tb\nc <x> {y} 100% é 98.6°F 😀 Müller-O'Brien"


@pytest.fixture
def form_element_seconds() -> float:
    """Element lookups that are meant to fail give up after 2 s here."""
    return 2


@pytest.fixture
def driver(form_driver: WebDriver) -> WebDriver:
    return form_driver


async def test_first_choice_wins_with_rank_zero(driver: WebDriver) -> None:
    located = await locate(driver, [DataTestIdLocator(value="last"), CssLocator(selector="#last")], field="last")
    assert located.rank == 0
    assert not located.drifted
    assert located.element.box is not None
    assert (await driver.read(located.element)).text == "Smith"


async def test_fallback_match_is_drift(driver: WebDriver) -> None:
    located = await locate(driver, [DataTestIdLocator(value="surname"), LabelLocator(text="Last name")])
    assert located.rank == 1
    assert located.drifted


async def test_ambiguous_label_names_field_and_locators(driver: WebDriver) -> None:
    with pytest.raises(AmbiguousElement) as caught:
        await locate(driver, [LabelLocator(text="Phone")], screen="form", field="phone")
    assert "field 'phone'" in str(caught.value)
    assert caught.value.context.screen == "form"
    assert caught.value.context.locator == "#0 label='Phone'"


async def test_ambiguity_resolved_by_a_later_locator(driver: WebDriver) -> None:
    located = await locate(driver, [LabelLocator(text="Phone"), CssLocator(selector="#work")])
    assert located.rank == 1


async def test_nothing_matches(driver: WebDriver) -> None:
    with pytest.raises(ElementNotFound) as caught:
        await locate(driver, [DataTestIdLocator(value="fax"), TextLocator(text="Fax")], screen="form", field="fax")
    assert caught.value.context.locator == "#0 test_id='fax'; #1 text='Fax'"


async def test_frames_by_name_and_url(driver: WebDriver) -> None:
    await driver.page.wait_for_function("() => window.frames.length === 1 && window.frames[0].document.body")
    by_name = await locate(driver, [LabelLocator(text="Allergy", frame=FrameRef(name="inner"))])
    by_url = await locate(driver, [LabelLocator(text="Allergy", frame=FrameRef(url="frame.html"))])
    assert (await driver.read(by_name.element)).text == "Penicillin"
    assert (await driver.read(by_url.element)).text == "Penicillin"
    with pytest.raises(ElementNotFound):
        await locate(driver, [LabelLocator(text="Allergy")])


async def test_image_button_by_role_and_confirm_dialog(driver: WebDriver) -> None:
    save = await locate(driver, [RoleLocator(role="button", name="Save record")])
    await driver.click(save.element, dialog="dismiss")
    saved = await locate(driver, [CssLocator(selector="#saved")])
    assert (await driver.read(saved.element)).text == "no"
    await driver.click(save.element, dialog="accept")
    assert (await driver.read(saved.element)).text == "yes"
    assert list(driver.dialog_messages) == ["Save changes?", "Save changes?"]


async def test_literal_typing_in_multiline_field(driver: WebDriver) -> None:
    note = await locate(driver, [LabelLocator(text="Note")])
    check_literal(TRICKY, multiline=True)
    await driver.type_text(note.element, TRICKY, multiline=True)
    assert (await driver.read(note.element)).text == TRICKY
    submits = await locate(driver, [CssLocator(selector="#submits")])
    assert (await driver.read(submits.element)).text == "0"


async def test_literal_typing_in_single_line_field(driver: WebDriver) -> None:
    first = await locate(driver, [LabelLocator(text="First name")])
    value = "Zoë <b>{x}</b> 100% 37.5°C 🙂"
    await driver.type_text(first.element, value)
    assert (await driver.read(first.element)).text == value
    assert (await driver.read(first.element, "attribute:placeholder")).text == "given name"


def test_control_characters_are_rejected_before_typing() -> None:
    with pytest.raises(InputRejected, match="U\\+0009"):
        check_literal("a\tb", multiline=False, field="first")
    with pytest.raises(InputRejected, match="U\\+0007"):
        check_literal("a\x07b", multiline=True)
    check_literal("a\tb\nc", multiline=True)


async def test_select_checkbox_and_table_rows(driver: WebDriver) -> None:
    sex = await locate(driver, [LabelLocator(text="Sex")])
    await driver.select_option(sex.element, "Female")
    assert (await driver.read(sex.element)).text == "Female"
    active = await locate(driver, [RoleLocator(role="checkbox", name="Active")])
    await driver.set_checked(active.element, True)
    assert (await driver.read(active.element)).text == "true"
    rows = await driver.find_all(CssLocator(selector="#rows tr"))
    names = [await locate(driver, [CssLocator(selector="td.name")], within=row) for row in rows]
    assert [(await driver.read(name.element)).text for name in names] == ["Ada", "Bob"]
    assert (await driver.read(rows[1], "attribute:data-key")).text == "9"


async def test_signals_and_screenshot(driver: WebDriver) -> None:
    signals = await driver.signals()
    assert signals.title == "Locator playground"
    assert signals.http_status == 200
    assert await driver.has_text("Demographics")
    assert await driver.has_text("Penicillin") is False
    assert (await driver.screenshot()).startswith(b"\x89PNG")


async def test_unreachable_host(driver: WebDriver) -> None:
    with pytest.raises(LegacyUnreachable, match=r"\(net::ERR_CONNECTION_REFUSED\)"):
        await driver.goto(f"http://127.0.0.1:{free_port()}/")
    with pytest.raises(LegacyUnreachable, match="ERR_NAME_NOT_RESOLVED"):
        await driver.goto("http://legacy-ehr.invalid/")


def test_source_hosts_are_excluded_from_the_resolver_block() -> None:
    options = LaunchOptions.for_source(BrowserSettings(), ["ehr.hospital.internal"])
    assert options.host_resolver_rules == "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE ehr.hospital.internal"


async def test_the_driver_itself_refuses_control_characters(driver: WebDriver) -> None:
    first = await locate(driver, [LabelLocator(text="First name")])
    with pytest.raises(InputRejected):
        await driver.type_text(first.element, "a\rb")
    assert (await driver.read(first.element)).text == ""


async def test_literal_text_reaches_the_legacy_database(
    browser_host: BrowserHost, launch_options: LaunchOptions, legacy_web_clean: LegacyWebServer
) -> None:
    web = WebDriver(browser_host, launch_options, legacy_web_clean.base_url, Timeouts())
    await web.start()
    try:
        await web.goto("/login")
        for name, value in (("username", "nurse"), ("password", "nurse123")):
            field = await locate(web, [CssLocator(selector=f"input[name={name}]")])
            await web.type_text(field.element, value)
        await web.click((await locate(web, [RoleLocator(role="button", name="Log In")])).element)
        await web.page.wait_for_url("**/")
        await web.goto("/chart/4/vitals/new")
        pulse = await locate(web, [CssLocator(selector="input[name=pulse]")])
        await web.type_text(pulse.element, "72")
        comment = await locate(web, [CssLocator(selector="textarea[name=comment]")])
        await web.type_text(comment.element, TRICKY, multiline=True)
        save = await locate(web, [CssLocator(selector="input[type=image]")])
        await web.click(save.element, dialog="accept")
        await web.page.get_by_text("Record saved").wait_for()
    finally:
        await web.stop()
    newest = legacy_web_clean.query("SELECT comment, pulse FROM vitals WHERE patient_id = 4 ORDER BY id DESC LIMIT 1")
    assert newest == [{"comment": TRICKY, "pulse": 72}]

"""Batched lookups in real Chromium agree with Playwright's own, locator by locator, and fall back where they must."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.web import WebDriver
from bots.errors import AmbiguousElement, ElementNotFound
from bots.locators import (
    CellLocator,
    CssLocator,
    DataTestIdLocator,
    FieldQuery,
    FrameRef,
    LabelLocator,
    Located,
    Locator,
    PageMatch,
    PlaceholderLocator,
    RoleLocator,
    TextLocator,
    XPathLocator,
    locate,
    locate_fields,
)
from tests.web_fixtures import open_web_driver

pytestmark = [pytest.mark.anyio, pytest.mark.web]

ROWS = XPathLocator(expression="(//table[contains(@class,'grid')])[1]//tr[td]")
PAGE_RESOLVED: list[tuple[Locator, str]] = [
    (XPathLocator(expression="//tr[td[1][normalize-space(.)='MRN:']]/td[2]"), "auto"),
    (XPathLocator(expression="//tr[td[1][normalize-space(.)='Phone:']]/td[2]"), "auto"),
    (XPathLocator(expression="//tr[td[1][normalize-space(.)='Fax:']]/td[2]"), "auto"),
    (XPathLocator(expression="//div[@class='frow'][span[@class='lbl']='Given Name']/span[2]"), "text"),
    (XPathLocator(expression="//tr/td/text()"), "auto"),  # text nodes never count, as in Playwright
    (CssLocator(selector="input[name=city]"), "value"),
    (CssLocator(selector="input[name=city]"), "attribute:id"),
    (CssLocator(selector="input[name=city]"), "attribute:title"),
    (CssLocator(selector="table.demo td"), "auto"),
    (CssLocator(selector="table.grid a[href*='/chart/']"), "auto"),
    (DataTestIdLocator(value="last"), "auto"),
    (LabelLocator(text="City"), "value"),
    (LabelLocator(text="Post code"), "auto"),
    (LabelLocator(text="post", exact=False), "auto"),
    (LabelLocator(text="County"), "auto"),
    (LabelLocator(text="Country"), "auto"),
    (LabelLocator(text="Remark"), "value"),
    (LabelLocator(text="Secret"), "auto"),
    (LabelLocator(text="o", exact=False), "auto"),
    (PlaceholderLocator(text="Postal code"), "auto"),
    (PlaceholderLocator(text="postal", exact=False), "auto"),
    (PlaceholderLocator(text="Country"), "auto"),
    (PlaceholderLocator(text="country", exact=False), "auto"),
    (LabelLocator(text="Allergy", frame=FrameRef(name="inner")), "value"),
    (TextLocator(text="Lovelace"), "auto"),
    (TextLocator(text="lovelace", exact=False), "auto"),
    (TextLocator(text="Phone:"), "auto"),
    (TextLocator(text="Hello big world"), "text"),
    (TextLocator(text="big"), "auto"),
    (TextLocator(text="hello BIG", exact=False), "auto"),
    (TextLocator(text="Send"), "value"),
    (TextLocator(text="Post code"), "auto"),
    (TextLocator(text="Allergy", frame=FrameRef(name="inner")), "auto"),
    (CssLocator(selector="input[name=city]", frame=FrameRef(name="inner")), "auto"),
    (CssLocator(selector="#allergy", frame=FrameRef(url="frame.html")), "value"),
    (CssLocator(selector="#allergy", frame=FrameRef(name="absent")), "auto"),
]
PLAYWRIGHT_ONLY: list[Locator] = [
    RoleLocator(role="heading", name="Chart"),
    CssLocator(selector="td:has-text('Lovelace')"),
    CssLocator(selector="text=Lovelace"),
    CssLocator(selector="//td"),
    XPathLocator(expression="//td[@"),
]


@pytest.fixture
async def driver(
    browser_host: BrowserHost, launch_options: LaunchOptions, static_site: str
) -> AsyncIterator[WebDriver]:
    async with open_web_driver(browser_host, launch_options, static_site, "/batch.html", element_seconds=2) as web:
        await web.page.wait_for_function(
            "() => window.frames.length === 1 && window.frames[0].document.body", timeout=30_000
        )
        yield web


async def _agrees_with_find_all(driver: WebDriver, locator: Locator, how: str, match: PageMatch) -> None:
    found = await driver.find_all(locator)
    assert match.count == len(found), locator.describe()
    if len(found) == 1:
        assert match.element is not None
        assert match.element.box == found[0].box
        assert match.element.text == found[0].text
        assert match.reading == (await driver.read(found[0], how)).text


async def test_page_resolved_locators_match_exactly_what_playwright_finds(driver: WebDriver) -> None:
    queries = [FieldQuery(f"f{number}", [locator], how) for number, (locator, how) in enumerate(PAGE_RESOLVED)]
    answers = await driver.find_batch(queries)
    for (locator, how), (match,) in zip(PAGE_RESOLVED, answers, strict=True):
        assert match is not None, locator.describe()
        await _agrees_with_find_all(driver, locator, how, match)


async def test_locators_only_playwright_resolves_are_left_to_it(driver: WebDriver) -> None:
    answers = await driver.find_batch([FieldQuery("field", PLAYWRIGHT_ONLY)])
    assert answers == [[None] * len(PLAYWRIGHT_ONLY)]


async def test_readings_only_playwright_gives_are_left_to_it(driver: WebDriver) -> None:
    """`value` of a cell and `text` of an SVG element raise or differ in Playwright: the batch does not guess."""
    cell = XPathLocator(expression="//tr[td[1][normalize-space(.)='MRN:']]/td[2]")
    dot = CssLocator(selector="circle.dot")
    (cell_match,), (dot_match,) = await driver.find_batch(
        [FieldQuery("mrn", [cell], "value"), FieldQuery("dot", [dot], "text")]
    )
    assert cell_match is not None
    assert dot_match is not None
    assert (cell_match.count, cell_match.reading, dot_match.count, dot_match.reading) == (1, None, 1, None)


async def test_css_in_a_document_with_shadow_roots_is_left_to_playwright(driver: WebDriver) -> None:
    await driver.goto("/shadow.html")
    note = CssLocator(selector="p.note")
    xpath = XPathLocator(expression="//p[@class='note']")
    (css_match,), (xpath_match,) = await driver.find_batch([FieldQuery("css", [note]), FieldQuery("xpath", [xpath])])
    assert css_match is None
    assert len(await driver.find_all(note)) == 2  # Playwright's CSS pierces the open shadow root
    assert xpath_match is not None
    await _agrees_with_find_all(driver, xpath, "auto", xpath_match)


async def test_locate_fields_ranks_drift_and_errors_as_locate_does(driver: WebDriver) -> None:
    lists: list[list[Locator]] = [
        [XPathLocator(expression="//tr[td[1]='MRN:']/td[2]"), DataTestIdLocator(value="last")],
        [DataTestIdLocator(value="surname"), RoleLocator(role="textbox", name="Town"), CssLocator(selector="#city")],
        [XPathLocator(expression="//tr[td[1]='Phone:']/td[2]"), LabelLocator(text="City")],
        [XPathLocator(expression="//tr[td[1]='Phone:']/td[2]"), CssLocator(selector="#fax")],
        [CssLocator(selector="#fax"), TextLocator(text="Fax")],
    ]
    batched = await locate_fields(
        driver, [FieldQuery(f"f{n}", locators) for n, locators in enumerate(lists)], screen="s"
    )
    for number, (locators, result) in enumerate(zip(lists, batched, strict=True)):
        try:
            one_by_one: Located | ElementNotFound | AmbiguousElement = await locate(
                driver, locators, screen="s", field=f"f{number}"
            )
        except (ElementNotFound, AmbiguousElement) as error:
            one_by_one = error
        if isinstance(one_by_one, Located):
            assert isinstance(result, Located)
            assert (result.rank, result.locator, result.element.box) == (
                one_by_one.rank,
                one_by_one.locator,
                one_by_one.element.box,
            )
        else:
            assert type(result) is type(one_by_one)
            assert str(result) == str(one_by_one)
            assert not isinstance(result, Located)
            assert result.context.locator == one_by_one.context.locator
    assert [getattr(result, "rank", None) for result in batched] == [0, 2, 1, None, None]
    assert isinstance(batched[3], AmbiguousElement)
    assert isinstance(batched[4], ElementNotFound)


async def test_table_batch_reads_rows_and_cells_as_row_by_row_lookups_do(driver: WebDriver) -> None:
    columns = [
        FieldQuery("mrn", [CellLocator(header="Med Rec #"), CellLocator(header="MRN")]),
        FieldQuery("link", [CellLocator(header="Patient Name", descendant="a")], "attribute:href"),
        FieldQuery("sex", [CellLocator(header="Sex")]),
        FieldQuery("female", [TextLocator(text="F"), TextLocator(text="babbage", exact=False)]),
    ]
    table = await driver.find_table_batch([CssLocator(selector="table.nothing tr"), ROWS], columns)
    assert table is not None
    rows = await driver.find_all(ROWS)
    assert [row.box for row, _ in table] == [row.box for row in rows]
    for (row, answers), expected_row in zip(table, rows, strict=True):
        assert row.text == expected_row.text
        for query, answer in zip(columns, answers, strict=True):
            for locator, match in zip(query.locators, answer, strict=True):
                assert match is not None
                found = await driver.find_all(locator, expected_row)
                assert match.count == len(found)
                if match.element is not None:
                    assert match.reading == (await driver.read(found[0], query.how)).text
    assert [answers[0][1].count if answers[0][1] else None for _, answers in table] == [1, 1, 1]
    assert [answers[1][0].count if answers[1][0] else None for _, answers in table] == [1, 1, 0]


async def test_table_batch_declines_row_locators_only_playwright_resolves(driver: WebDriver) -> None:
    assert (
        await driver.find_table_batch([RoleLocator(role="row")], [FieldQuery("x", [CellLocator(header="MRN")])]) is None
    )
    assert await driver.find_table_batch([CssLocator(selector="table.none tr")], []) == []


async def test_probe_agrees_with_signals_texts_and_elements(driver: WebDriver) -> None:
    texts = ["Lovelace", "Allergy", "Nowhere at all"]
    locators: list[Locator] = [
        CssLocator(selector="table.grid"),
        CssLocator(selector="table.none"),
        RoleLocator(role="textbox", name="City"),
        CssLocator(selector="#allergy", frame=FrameRef(name="inner")),
    ]
    probe = await driver.probe(texts, locators)
    signals = await driver.signals()
    assert probe.signals == signals
    assert driver.current_url() == signals.url
    assert probe.texts == {"Lovelace": True}  # the rest is in another frame, or absent: asked about on its own
    for text in texts:
        assert await driver.has_text(text) == (text != "Nowhere at all")
    assert probe.counts == {locators[0]: 1, locators[1]: 0}

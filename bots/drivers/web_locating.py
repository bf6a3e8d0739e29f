"""The looking half of the web driver: screen signals, visible text, and elements found by locators.

Nothing here changes the page. Elements are found one locator at a time (`find_all`, through Playwright's own
locators) or many at once (`find_batch`, `find_table_batch`, `probe`: one browser call answering for every
locator the page can resolve by Playwright's rules, see `bots.drivers.page_queries`; the rest are left to
`find_all`, so a batch never changes what a locator matches).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page
from playwright.async_api import Locator as PlaywrightLocator

from bots.drivers.base import FieldText, ScreenProbe, ScreenSignals
from bots.drivers.page_queries import MATCH_ALL, MATCH_ROWS, PROBE, READ_ELEMENT, page_spec
from bots.errors import ConfigurationError
from bots.locators import (
    BatchAnswer,
    CellLocator,
    CssLocator,
    DataTestIdLocator,
    Element,
    FieldQuery,
    FrameRef,
    LabelLocator,
    Locator,
    PageMatch,
    PlaceholderLocator,
    RoleLocator,
    TextLocator,
    WebLocator,
    XPathLocator,
)
from bots.observer import Box

FOUND_ELEMENTS = f"""els => els.map(el => {{
  const r = el.getBoundingClientRect();
  return [r.x, r.y, r.width, r.height, ({READ_ELEMENT})(el)];
}})"""
PAGE_STATE = "() => [document.title, document.readyState]"
VISIBLE_TEXT = "text => !!document.body && document.body.innerText.includes(text)"

Scope = Page | Frame | PlaywrightLocator


def _box(found: list[Any]) -> Box:
    x, y, width, height = (int(value) for value in found[:4])
    return Box(x, y, width, height)


def _page_match(found: list[Any] | None, handle: PlaywrightLocator) -> PageMatch | None:
    """A page-side answer ([count] or [1, box, auto reading, reading]) as a match whose element has this handle."""
    if found is None:
        return None
    if found[0] != 1:
        return PageMatch(int(found[0]))
    reading = None if found[3] is None else str(found[3])
    return PageMatch(1, Element(box=_box(found[1]), handle=handle, text=str(found[2])), reading)


def _xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    parts = text.split("'")
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in parts) + ")"


def cell_xpath(locator: CellLocator) -> str:
    """The cell of a row (the context node) under the header cell with this text (first row of the table)."""
    header = f"ancestor::table[1]/descendant::tr[1]/*[normalize-space(.)={_xpath_literal(locator.header)}]"
    cell = f"./td[{header}][count({header}/preceding-sibling::*) + 1]"
    return f"{cell}/descendant::{locator.descendant}" if locator.descendant else cell


class WebLocating:
    """Finding and reading on the session's page; the web driver adds the session, navigation and actions."""

    def __init__(self) -> None:
        self._page: Page | None = None
        self._http_status: int | None = None

    @property
    def page(self) -> Page:
        if self._page is None:
            raise ConfigurationError("the web session is not started")
        return self._page

    async def signals(self) -> ScreenSignals:
        page = self.page
        try:
            title, ready_state = await page.evaluate(PAGE_STATE)
        except PlaywrightError:
            return ScreenSignals(url=page.url, title=None, loading=True, http_status=self._http_status)
        return ScreenSignals(url=page.url, title=title, loading=ready_state == "loading", http_status=self._http_status)

    async def has_text(self, text: str) -> bool:
        for frame in self.page.frames:
            try:
                if await frame.evaluate(VISIBLE_TEXT, text):
                    return True
            except PlaywrightError:
                continue
        return False

    def _scope(self, locator: WebLocator, within: Element | None) -> Scope | None:
        if within is not None:
            handle: PlaywrightLocator = within.handle
            return handle
        if locator.frame is None:
            return self.page
        return self._frame(locator.frame)

    def _frame(self, ref: FrameRef) -> Frame | None:
        for frame in self.page.frames:
            if ref.name is not None and frame.name == ref.name:
                return frame
            if ref.url is not None and ref.url in frame.url:
                return frame
        return None

    def _query(self, scope: Scope, locator: Locator) -> PlaywrightLocator:
        if isinstance(locator, DataTestIdLocator):
            return scope.get_by_test_id(locator.value)
        if isinstance(locator, RoleLocator):
            return scope.get_by_role(locator.role, name=locator.name, exact=locator.exact)  # type: ignore[arg-type]
        if isinstance(locator, LabelLocator):
            return scope.get_by_label(locator.text, exact=locator.exact)
        if isinstance(locator, PlaceholderLocator):
            return scope.get_by_placeholder(locator.text, exact=locator.exact)
        if isinstance(locator, TextLocator):
            return scope.get_by_text(locator.text, exact=locator.exact)
        if isinstance(locator, CssLocator):
            return scope.locator(locator.selector)
        if isinstance(locator, XPathLocator):
            return scope.locator(f"xpath={locator.expression}")
        if isinstance(locator, CellLocator):
            return scope.locator(f"xpath={cell_xpath(locator)}")
        raise ConfigurationError(f"the web driver cannot find {locator.kind} locators")

    async def find_all(self, locator: Locator, within: Element | None = None) -> list[Element]:
        if not isinstance(locator, WebLocator):
            raise ConfigurationError(f"the web driver cannot find {locator.kind} locators")
        scope = self._scope(locator, within)
        if scope is None:
            return []
        query = self._query(scope, locator)
        try:
            found: list[list[Any]] = await query.evaluate_all(FOUND_ELEMENTS)
        except PlaywrightError:
            return []
        if len(found) == 1:
            return [Element(box=_box(found[0]), handle=query, text=str(found[0][4]))]
        return [Element(box=_box(item), handle=query.nth(index), text=str(item[4])) for index, item in enumerate(found)]

    def _spec(self, locator: Locator) -> list[Any] | None:
        if not isinstance(locator, WebLocator):
            return None
        return page_spec(locator, cell_xpath(locator) if isinstance(locator, CellLocator) else None)

    async def find_batch(self, queries: Sequence[FieldQuery]) -> list[BatchAnswer]:
        """Every query's page-resolvable locators matched in one call per frame they live in (normally one)."""
        answers: list[BatchAnswer] = [[None] * len(query.locators) for query in queries]
        by_frame: dict[Frame, list[tuple[int, int, list[Any]]]] = {}
        for number, query in enumerate(queries):
            for rank, locator in enumerate(query.locators):
                spec = self._spec(locator)
                if spec is None or not isinstance(locator, WebLocator):
                    continue
                frame = self.page.main_frame if locator.frame is None else self._frame(locator.frame)
                if frame is None:
                    answers[number][rank] = PageMatch(0)  # as `find_all` finds nothing in a missing frame
                    continue
                by_frame.setdefault(frame, []).append((number, rank, spec))
        for frame, items in by_frame.items():
            try:
                found = await frame.evaluate(MATCH_ALL, [[spec, queries[number].how] for number, _, spec in items])
            except PlaywrightError:
                continue  # the page changed under the call: each of these locators is then found on its own
            for (number, rank, _), result in zip(items, found, strict=True):
                locator = queries[number].locators[rank]
                scope: Scope = self.page if frame is self.page.main_frame else frame
                answers[number][rank] = _page_match(result, self._query(scope, locator))
        return answers

    async def find_table_batch(
        self, rows: Sequence[Locator], columns: Sequence[FieldQuery]
    ) -> list[tuple[Element, list[BatchAnswer]]] | None:
        """A table's rows and every column inside each row in one call; None when a row locator needs Playwright."""
        row_specs = [self._spec(locator) for locator in rows]
        frames = {locator.frame for locator in rows if isinstance(locator, WebLocator)}
        if not rows or any(spec is None for spec in row_specs) or len(frames) != 1:
            return None
        (ref,) = frames
        frame = self.page.main_frame if ref is None else self._frame(ref)
        if frame is None:
            return None
        items = [
            None if spec is None else [spec, column.how]
            for column in columns
            for spec in (self._spec(locator) for locator in column.locators)
        ]
        try:
            found = await frame.evaluate(MATCH_ROWS, [row_specs, items])
        except PlaywrightError:
            return None
        if found is None or not found["rows"]:
            return None if found is None else []
        query = self._query(self.page if ref is None else frame, rows[found["rank"]])
        count = len(found["rows"])
        table: list[tuple[Element, list[BatchAnswer]]] = []
        for index, (box, text, matches) in enumerate(found["rows"]):
            handle = query if count == 1 else query.nth(index)
            position = iter(matches)
            answers = [
                [_page_match(next(position), self._query(handle, locator)) for locator in column.locators]
                for column in columns
            ]
            table.append((Element(box=_box(box), handle=handle, text=str(text)), answers))
        return table

    def current_url(self) -> str | None:
        return self.page.url

    async def probe(self, texts: Sequence[str], locators: Sequence[Locator]) -> ScreenProbe:
        """The screen's signals, which texts the page shows and how many elements each locator matches: one call.

        Texts are looked for in the top document; one it lacks counts as absent only when the page has no other
        frame. Locators inside a frame, or that only Playwright resolves, are left out (found on their own).
        """
        page = self.page
        specs = [
            (locator, spec)
            for locator in locators
            if isinstance(locator, WebLocator) and locator.frame is None and (spec := self._spec(locator)) is not None
        ]
        try:
            title, ready_state, shown, counts = await page.evaluate(PROBE, [list(texts), [spec for _, spec in specs]])
        except PlaywrightError:
            return ScreenProbe(ScreenSignals(url=page.url, title=None, loading=True, http_status=self._http_status))
        signals = ScreenSignals(
            url=page.url, title=title, loading=ready_state == "loading", http_status=self._http_status
        )
        only_frame = len(page.frames) == 1
        seen = {
            text: bool(shown_here) for text, shown_here in zip(texts, shown, strict=True) if shown_here or only_frame
        }
        matched: dict[Locator, int] = {
            locator: int(count) for (locator, _), count in zip(specs, counts, strict=True) if count is not None
        }
        return ScreenProbe(signals, seen, matched)

    async def read(self, element: Element, how: str = "auto") -> FieldText:
        handle: PlaywrightLocator = element.handle
        if how == "text":
            return FieldText(await handle.inner_text())
        if how == "value":
            return FieldText(await handle.input_value())
        if how.startswith("attribute:"):
            return FieldText(await handle.get_attribute(how.removeprefix("attribute:")) or "")
        return FieldText(str(await handle.evaluate(READ_ELEMENT)))

"""Ranking located elements (pure logic over a finder returning fixed matches): batch answers, one-by-one finds."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bots.errors import AmbiguousElement, ElementNotFound
from bots.locators import (
    CssLocator,
    Element,
    FieldQuery,
    Located,
    Locator,
    PageMatch,
    locate_fields,
    resolve,
)

pytestmark = pytest.mark.anyio
ONE = CssLocator(selector="#one")
TWO = CssLocator(selector=".two")
NONE = CssLocator(selector="#none")


class CountingFinder:
    """Finds #one once, .two twice and nothing else; remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def find_all(self, locator: Locator, within: Element | None = None) -> list[Element]:
        self.asked.append(locator.describe())
        counts: dict[Locator, int] = {ONE: 1, TWO: 2}
        matches = counts.get(locator, 0)
        return [Element(box=None, handle=index) for index in range(matches)]


class BatchingFinder(CountingFinder):
    """Answers #none and .two in its batch and leaves #one to `find_all`."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    async def find_batch(self, queries: Sequence[FieldQuery]) -> list[list[PageMatch | None]]:
        self.batches += 1
        answers: dict[Locator, PageMatch] = {NONE: PageMatch(0), TWO: PageMatch(2)}
        return [[answers.get(locator) for locator in query.locators] for query in queries]

    async def find_table_batch(self, rows: Sequence[Locator], columns: Sequence[FieldQuery]) -> None:
        return None


async def test_an_answered_unique_match_wins_without_asking_the_driver() -> None:
    finder = CountingFinder()
    element = Element(box=None, handle="batched")
    located = await resolve(finder, [NONE, ONE], [PageMatch(0), PageMatch(1, element, "read")], field="x")
    assert isinstance(located, Located)
    assert (located.rank, located.drifted, located.element, located.reading) == (1, True, element, "read")
    assert finder.asked == []


async def test_unanswered_locators_are_found_one_by_one_only_when_reached() -> None:
    finder = CountingFinder()
    located = await resolve(finder, [NONE, ONE, TWO], [PageMatch(0), None, None])
    assert isinstance(located, Located)
    assert located.rank == 1
    assert finder.asked == ["css='#one'"]


async def test_failures_are_returned_with_the_locators_tried() -> None:
    ambiguous = await resolve(CountingFinder(), [TWO, NONE], [], screen="s", field="f")
    missing = await resolve(CountingFinder(), [NONE], [], screen="s", field="f")
    assert isinstance(ambiguous, AmbiguousElement)
    assert str(ambiguous).startswith("field 'f' is ambiguous: #0 matched 2; no locator matched exactly once")
    assert ambiguous.context.locator == "#0 css='.two'; #1 css='#none'"
    assert isinstance(missing, ElementNotFound)
    assert missing.context.screen == "s"


async def test_locate_fields_batches_when_the_driver_can_and_still_ranks_in_order() -> None:
    finder = BatchingFinder()
    queries = [FieldQuery("a", [NONE, ONE]), FieldQuery("b", [TWO]), FieldQuery("c", [NONE, TWO, ONE])]
    a, b, c = await locate_fields(finder, queries, screen="s")
    assert finder.batches == 1
    assert isinstance(a, Located)
    assert a.rank == 1
    assert isinstance(b, AmbiguousElement)
    assert isinstance(c, Located)
    assert c.rank == 2
    assert finder.asked == ["css='#one'", "css='#one'"]


async def test_locate_fields_without_batching_finds_each_locator_in_turn() -> None:
    finder = CountingFinder()
    a, b = await locate_fields(finder, [FieldQuery("a", [ONE, TWO]), FieldQuery("b", [NONE])])
    assert isinstance(a, Located)
    assert isinstance(b, ElementNotFound)
    assert finder.asked == ["css='#one'", "css='#none'"]

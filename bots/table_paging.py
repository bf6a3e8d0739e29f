"""Page through a legacy list on the current screen: every page up to a limit, or only the page a cursor names.

Moving to the next page clicks the table's next-page action, waits for the screen to change and recognises the
same screen again; a list without that action, or whose action is gone, has no further page. Rows are read by
bots.table_reader; the flow runner (bots.flow_runner) cleans them and keeps them in the flow's records.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bots.drivers.base import Driver
from bots.errors import ElementNotFound
from bots.flow_context import Record
from bots.locators import Located, locate
from bots.map_models import Table
from bots.step_log import StepDetail
from bots.table_reader import read_rows, wait_for_change

ScreenWaiter = Callable[[list[str]], Awaitable[str]]


class TablePager:
    """Reads one table of one screen page by page through a session's driver."""

    def __init__(
        self, driver: Driver, table: Table, screen: str | None, screen_seconds: float, wait_for: ScreenWaiter
    ) -> None:
        self.driver = driver
        self.table = table
        self.screen = screen
        self.screen_seconds = screen_seconds
        self.wait_for = wait_for

    async def read_pages(self, columns: list[str] | None, max_pages: int) -> tuple[list[Record], list[StepDetail]]:
        """The rows of the first `max_pages` pages, stopping at the last page."""
        rows: list[Record] = []
        details: list[StepDetail] = []
        previous: list[Record] | None = None
        for page in range(max_pages):
            if page > 0 and not await self.next_page():
                break
            page_rows, page_details = await read_rows(self.driver, self.table, self.screen, columns)
            if page_rows == previous:
                break  # "next" changed nothing (a pager that stays enabled on its last page)
            previous = page_rows
            rows += page_rows
            details += page_details
        return rows, details

    async def read_cursor_page(
        self, columns: list[str] | None, cursor: int
    ) -> tuple[list[Record], list[StepDetail], int | None]:
        """Only page `cursor` (pages past the last one are empty), and the next page's cursor when another follows."""
        for _ in range(cursor - 1):
            if not await self.next_page():
                return [], [], None
        rows, details = await read_rows(self.driver, self.table, self.screen, columns)
        return rows, details, cursor + 1 if await self.has_next() else None

    async def next_page(self) -> bool:
        """Click the table's next-page action if there is one; False when this is the last page."""
        located = await self._next_page_action()
        if located is None:
            return False
        before = await self.driver.signals()
        await self.driver.click(located.element)
        await wait_for_change(self.driver, before, self.screen_seconds)
        if self.screen is not None:
            await self.wait_for([self.screen])
        return True

    async def has_next(self) -> bool:
        """Whether the table's next-page action is on the screen (without clicking it)."""
        return await self._next_page_action() is not None

    async def _next_page_action(self) -> Located | None:
        if self.table.next_page is None:
            return None
        try:
            return await locate(self.driver, self.table.next_page.locators, screen=self.screen, field="next")
        except ElementNotFound:
            return None

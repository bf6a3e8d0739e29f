"""Read the rows of a table on the current screen, each column found inside its row."""

from __future__ import annotations

import asyncio
import time

from bots.drivers.base import Driver, FieldText, ScreenSignals
from bots.errors import ElementNotFound, StepTimeout
from bots.flow_context import Record
from bots.locators import BatchFinder, Element, FieldQuery, Located, resolve
from bots.map_models import Table
from bots.step_log import StepDetail

POLL_SECONDS = 0.05


async def find_rows(driver: Driver, table: Table) -> list[Element]:
    """The rows of the first row locator that matches any; an empty list when none does (an empty table)."""
    for locator in table.rows:
        found = await driver.find_all(locator)
        if found:
            return found
    return []


async def read_rows(
    driver: Driver, table: Table, screen: str | None, columns: list[str] | None = None
) -> tuple[list[Record], list[StepDetail]]:
    """Every row's columns (all, or those named), as text; rows and columns in one call when the driver can."""
    wanted = {name: table.columns[name] for name in columns} if columns is not None else table.columns
    queries = [FieldQuery(name, column.locators, column.read) for name, column in wanted.items()]
    batch = await driver.find_table_batch(table.rows, queries) if isinstance(driver, BatchFinder) else None
    if batch is None:
        batch = [(row, [[] for _ in queries]) for row in await find_rows(driver, table)]
    rows: list[Record] = []
    details: list[StepDetail] = []
    for row, answers in batch:
        record: Record = {}
        for query, answer in zip(queries, answers, strict=True):
            column = wanted[query.name]
            located = await resolve(driver, query.locators, answer, screen=screen, field=query.name, within=row)
            if not isinstance(located, Located):
                if not isinstance(located, ElementNotFound) or not column.optional:
                    raise located
                record[query.name] = ""
                continue
            text = await read_located(driver, located, column.read)
            record[query.name] = text.text.strip()
            details.append(StepDetail(screen, query.name, located, record[query.name], column.secret, text.confidence))
        rows.append(record)
    return rows, details


async def read_located(driver: Driver, located: Located, how: str) -> FieldText:
    """The text of an element just located: what the driver read while locating it, when it could."""
    if located.reading is not None:
        return FieldText(located.reading)
    return await read_found(driver, located.element, how)


async def read_found(driver: Driver, element: Element, how: str) -> FieldText:
    """Read an element just found: the snapshot taken while finding it, when there is one, saves a round trip."""
    if how == "auto" and element.text is not None:
        return FieldText(element.text)
    return await driver.read(element, how)


async def wait_for_change(driver: Driver, before: ScreenSignals, timeout_seconds: float) -> None:
    """After clicking to another page of a list, wait until the screen says it changed (web: the URL)."""
    if before.url is None:
        return
    deadline = time.monotonic() + timeout_seconds
    while True:
        now = await driver.signals()
        if now.url != before.url and not now.loading:
            return
        if time.monotonic() >= deadline:
            raise StepTimeout(f"the next page did not appear within {timeout_seconds} s", step="read_table")
        await asyncio.sleep(POLL_SECONDS)

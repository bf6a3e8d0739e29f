"""Run a flow's steps on one driver: navigate, recognise, locate, read, type, click, page through tables, emit.

Every step is reported to the step log with what it touched. Values are typed only after every value of the step
has passed the literal-text check, so a rejected value means nothing was typed. The source's hooks (bots.hooks)
run when a screen is recognised, when none is, and on every value read. A `for_each` the map marks `parallel` runs
its rows on several pages of the session at once (bots.parallel_rows); a `read_table` pages through its list with
bots.table_paging.
"""

from __future__ import annotations

import time

from bots.drivers.base import Driver
from bots.errors import BotError, ConfigurationError, ElementNotFound, InputRejected, RecordNotFound
from bots.flow_context import Emitted, FlowContext, Record, TableSource
from bots.hooks import NO_HOOKS, EhrHooks, ObservedDriver
from bots.literal_text import check_literal
from bots.locators import Element, FieldQuery, Located, locate, locate_fields
from bots.map_models import (
    ClickStep,
    EmitStep,
    ExpectStep,
    Field,
    FillStep,
    ForEachStep,
    GotoStep,
    PressStep,
    ReadStep,
    ReadTableStep,
    Screen,
    Step,
    Table,
)
from bots.parallel_rows import PageOpener, run_rows_in_parallel
from bots.recognition import wait_for_screen
from bots.screen_map import ScreenMap
from bots.step_log import StepDetail, StepLog
from bots.table_paging import TablePager
from bots.table_reader import find_rows, read_located
from bots.templates import MissingValue, render

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "on"})


class FlowRunner:
    """Runs steps against one session's driver, reporting each to the step log."""

    def __init__(
        self, screen_map: ScreenMap, driver: Driver, log: StepLog, context: FlowContext, hooks: EhrHooks = NO_HOOKS
    ) -> None:
        self.screen_map = screen_map
        self.driver = driver
        self.log = log
        self.context = context
        self.hooks = hooks
        self.timeouts = screen_map.source.timeouts
        self._reported: set[BotError] = set()  # a failure inside `for_each` is reported once, not per level

    @property
    def screen(self) -> Screen:
        if self.context.screen is None:
            raise ConfigurationError("a step needs a recognised screen first")
        return self.screen_map.screens[self.context.screen]

    async def run(self, steps: list[Step]) -> None:
        for step in steps:
            if self.context.skipped_by(step.only_if):
                continue
            started = time.perf_counter()
            try:
                details = await self._run_step(step)
            except BotError as error:
                if error in self._reported:
                    raise
                self._reported.add(error)
                error.context.screen = error.context.screen or self.context.screen
                error.context.step = error.context.step or type(step).__name__.removesuffix("Step").lower()
                await self.log.record(error.context.step, started, [StepDetail(screen=self.context.screen)], error)
                raise
            if details is not None:
                await self.log.record(type(step).__name__.removesuffix("Step").lower(), started, details)

    async def _run_step(self, step: Step) -> list[StepDetail] | None:
        if isinstance(step, GotoStep):
            await self.driver.goto(self._render(step.goto, url_quote=True))
            self.context.screen = None
            return [StepDetail(value=None)]
        if isinstance(step, ExpectStep):
            await self._recognise(step.expect)
            return [StepDetail(screen=self.context.screen)]
        if isinstance(step, ClickStep):
            return [await self._click(step)]
        if isinstance(step, FillStep):
            return await self._fill(step)
        if isinstance(step, ReadStep):
            return await self._read(step)
        if isinstance(step, ReadTableStep):
            return await self._read_table(step)
        if isinstance(step, ForEachStep):
            await self._for_each(step)
            return None
        if isinstance(step, PressStep):
            return [await self._press(step)]
        self._emit(step)
        return None

    async def _recognise(self, expected: list[str]) -> None:
        """Wait for one of the expected screens (letting the hooks clear interruptions), then run `on_screen`."""
        screen = await self._wait_for(expected)
        self.context.screen = screen
        await self.hooks.on_screen(screen, ObservedDriver(self.driver, self.log, "on_screen", screen))

    async def _wait_for(self, expected: list[str]) -> str:
        async def unexpected() -> bool:
            return await self.hooks.unexpected_screen(ObservedDriver(self.driver, self.log, "unexpected_screen", None))

        timeout = self.timeouts.screen_seconds
        return await wait_for_screen(self.driver, self.screen_map, expected, timeout, unexpected=unexpected)

    def _render(self, template: str, *, url_quote: bool = False) -> str:
        try:
            return render(template, self.context.lookup, url_quote=url_quote)
        except MissingValue as missing:
            raise ConfigurationError(f"the flow has no value for {{{missing.args[0]}}}") from None

    async def _locate(self, name: str, field: Field | None = None, within: Element | None = None) -> Located:
        screen = self.screen
        target = field or screen.fields.get(name) or screen.actions.get(name)
        if target is None:
            raise ConfigurationError(f"screen {self.context.screen!r} has no field or action {name!r}")
        return await locate(self.driver, target.locators, screen=self.context.screen, field=name, within=within)

    async def _click(self, step: ClickStep) -> StepDetail:
        located = await self._locate(step.click)
        if step.submit:
            if self.context.before_submit is not None:
                await self.context.before_submit()
            self.context.submitted = True
        await self.driver.click(located.element, dialog=step.dialog)
        return StepDetail(screen=self.context.screen, field_name=step.click, located=located)

    async def _press(self, step: PressStep) -> StepDetail:
        located = await self._locate(step.target) if step.target is not None else None
        if step.submit:
            if self.context.before_submit is not None:
                await self.context.before_submit()
            self.context.submitted = True
        await self.driver.press_key(located.element if located else None, step.press)
        return StepDetail(screen=self.context.screen, field_name=step.target, located=located, value=step.press)

    def _fill_values(self, step: FillStep) -> dict[str, str]:
        if isinstance(step.fill, dict):
            return {name: self._render(template) for name, template in step.fill.items()}
        values = {}
        for name in step.fill:
            if name in self.context.values:
                values[name] = self.context.values[name]
            elif self.context.clear_absent:
                values[name] = ""
        return values

    async def _fill(self, step: FillStep) -> list[StepDetail]:
        screen = self.screen
        values = self._fill_values(step)
        for name, value in values.items():
            field = screen.fields[name]
            if field.input == "readonly":
                raise InputRejected(f"field {name!r} is read-only", screen=self.context.screen)
            check_literal(value, multiline=field.input == "multiline", field=name, screen=self.context.screen)
        details = []
        for name, value in values.items():
            field = screen.fields[name]
            located = await self._locate(name)
            if field.input == "select":
                await self.driver.select_option(located.element, value)
            elif field.input == "checkbox":
                await self.driver.set_checked(located.element, value.strip().lower() in TRUE_WORDS)
            else:
                await self.driver.type_text(located.element, value, multiline=field.input == "multiline")
            self.context.written[name] = value
            details.append(StepDetail(self.context.screen, name, located, value, field.secret))
        return details

    async def _read(self, step: ReadStep) -> list[StepDetail]:
        """Every field of the step located (in one driver call when the driver can batch) and read, in order."""
        screen = self.screen
        names = list(screen.fields) if step.read == "all" else step.read
        fields = [screen.fields[name] for name in names]
        queries = [FieldQuery(name, field.locators, field.read) for name, field in zip(names, fields, strict=True)]
        found = await locate_fields(self.driver, queries, screen=self.context.screen)
        record: Record = {}
        details = []
        for name, field, located in zip(names, fields, found, strict=True):
            if not isinstance(located, Located):
                if not isinstance(located, ElementNotFound) or not field.optional:
                    raise located
                record[name] = ""
                continue
            text = await read_located(self.driver, located, field.read)
            record[name] = self.hooks.clean_value(self.context.screen, name, text.text.strip())
            details.append(StepDetail(self.context.screen, name, located, record[name], field.secret, text.confidence))
        self.context.records[step.into] = record
        return details

    def _table(self, name: str) -> Table:
        table = self.screen.tables.get(name)
        if table is None:
            raise ConfigurationError(f"screen {self.context.screen!r} has no table {name!r}")
        return table

    async def _read_table(self, step: ReadTableStep) -> list[StepDetail]:
        table = self._table(step.read_table)
        pager = TablePager(self.driver, table, self.context.screen, self.timeouts.screen_seconds, self._wait_for)
        if step.pages == "cursor":
            rows, details, next_cursor = await pager.read_cursor_page(step.columns, self.context.page_cursor)
            if next_cursor is not None:
                self.context.next_cursor = next_cursor
        else:
            rows, details = await pager.read_pages(step.columns, 1 if step.pages == "first" else step.max_pages)
        rows = [
            {name: self.hooks.clean_value(self.context.screen, name, text) for name, text in row.items()}
            for row in rows
        ]
        if step.require_rows and not rows:
            raise RecordNotFound("the legacy list has no matching rows", screen=self.context.screen)
        self.context.records[step.into] = rows
        if self.context.screen is not None:
            self.context.tables[step.into] = TableSource(self.context.screen, step.read_table)
        return details

    async def _for_each(self, step: ForEachStep) -> None:
        rows = self.context.records.get(step.for_each)
        if not isinstance(rows, list):
            raise ConfigurationError(f"{step.for_each!r} is not a list of rows")
        if step.parallel > 1 and len(rows) > 1 and isinstance(self.driver, PageOpener):
            await self._for_each_in_parallel(step, rows)
            return
        source = self.context.tables.get(step.for_each)
        for number, row in enumerate(rows):
            self.context.records["row"] = row
            if step.open and source is not None:
                await self._open_row(source, number)
            await self.run(step.steps)
            if step.back is not None:
                await self.driver.go_back()
                await self._recognise([step.back])
        self.context.records.pop("row", None)

    async def _for_each_in_parallel(self, step: ForEachStep, rows: list[Record]) -> None:
        """The rows on several pages of this session at once (bots.parallel_rows); emitted in the rows' order."""
        contexts = [self.context.for_row(row) for row in rows]

        async def run_row(driver: Driver, log: StepLog, context: FlowContext) -> None:
            runner = FlowRunner(self.screen_map, driver, log, context, self.hooks)
            runner._reported = self._reported  # a row's failure is reported once, by the row's own log
            await runner.run(step.steps)

        await run_rows_in_parallel(self.driver, self.log, contexts, step.parallel, run_row)
        self.context.screen = None  # this page read a row too
        for context in contexts:
            self.context.emitted += context.emitted

    async def _open_row(self, source: TableSource, number: int) -> None:
        started = time.perf_counter()
        table = self.screen_map.screens[source.screen].tables[source.table]
        if table.open is None:
            raise ConfigurationError(f"table {source.table!r} has no `open` column")
        found = await find_rows(self.driver, table)
        if number >= len(found):
            raise ElementNotFound(f"row {number} of table {source.table!r} is gone", screen=source.screen)
        column = table.columns[table.open]
        located = await locate(
            self.driver, column.locators, screen=source.screen, field=table.open, within=found[number]
        )
        await self.driver.click(located.element)
        self.context.screen = None
        await self.log.record("open", started, [StepDetail(source.screen, table.open, located)])

    def _emit(self, step: EmitStep) -> None:
        emitted = self.context.records.get(step.emit)
        records = emitted if isinstance(emitted, list) else [emitted] if emitted is not None else []
        for record in records:
            self.context.records["record"] = record
            extra = {name: self._render(template) for name, template in step.extra.items()}
            self.context.emitted.append(Emitted({**record, **extra}, tuple(step.bindings)))
        self.context.records.pop("record", None)

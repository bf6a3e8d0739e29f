"""`retrofhir map check`: run a screen map against the live source and say, per screen and element, what matched.

The map's examples are run through the real engine (log in, flows, bindings). Whenever a screen is recognised, every
field, action and table column of that screen is located with `bots.locators.locate`: rank 0 is fine, a later
rank is drift (the report names the locator that stopped matching and the one that matched instead), and no match
is missing. Each recognised screen's screenshot is kept for the HTML report. Writing examples are never run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bots.credentials import CredentialStore
from bots.drivers.base import Driver
from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.web import WebDriver
from bots.engine import SourceRuntime
from bots.errors import BotError
from bots.locators import Locator, describe_all, locate
from bots.map_models import Example
from bots.observer import NullObserver, StepRecord
from bots.screen_map import ScreenMap
from bots.table_reader import find_rows
from retrofhir.config import Settings

Status = Literal["ok", "drift", "missing", "not checked"]


@dataclass
class ElementCheck:
    screen: str
    name: str
    what: Literal["field", "action", "column"]
    status: Status = "not checked"
    rank: int | None = None
    matched: str | None = None
    first_choice: str | None = None
    detail: str | None = None


@dataclass
class ExampleCheck:
    name: str
    passed: bool
    detail: str = ""


@dataclass
class CheckReport:
    source: str
    elements: list[ElementCheck] = field(default_factory=list)
    screens_seen: dict[str, bytes] = field(default_factory=dict)
    examples: list[ExampleCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(e.status == "missing" for e in self.elements) and all(x.passed for x in self.examples)

    @property
    def drifted(self) -> list[ElementCheck]:
        return [e for e in self.elements if e.status == "drift"]

    def element(self, screen: str, name: str) -> ElementCheck:
        return next(e for e in self.elements if e.screen == screen and e.name == name)


class ProbingObserver(NullObserver):
    """On every recognised screen, locate everything the map says is on it (with the session's own driver)."""

    def __init__(self, screen_map: ScreenMap, report: CheckReport) -> None:
        self.screen_map = screen_map
        self.report = report
        self.driver: Driver | None = None
        self.probed: set[str] = set()

    async def step(self, record: StepRecord) -> None:
        screen = record.screen
        if record.action != "expect" or screen is None or record.error is not None or self.driver is None:
            return
        if record.screenshot_png and screen not in self.report.screens_seen:
            self.report.screens_seen[screen] = record.screenshot_png
        if screen not in self.probed:
            self.probed.add(screen)
            await self.probe(screen, self.driver)

    async def probe(self, screen_name: str, driver: Driver) -> None:
        screen = self.screen_map.screens[screen_name]
        for name, spec in screen.fields.items():
            await self._check(driver, self.report.element(screen_name, name), spec.locators)
        for name, action in screen.actions.items():
            await self._check(driver, self.report.element(screen_name, name), action.locators)
        for table_name, table in screen.tables.items():
            rows = await find_rows(driver, table)
            for name, column in table.columns.items():
                check = self.report.element(screen_name, f"{table_name}.{name}")
                if not rows:
                    check.status, check.detail = "missing", "no table rows found by: " + describe_all(table.rows)
                    continue
                await self._check(driver, check, column.locators, rows[0])

    async def _check(self, driver: Driver, check: ElementCheck, locators: list[Locator], within: Any = None) -> None:
        check.first_choice = locators[0].describe()
        try:
            located = await locate(driver, locators, screen=check.screen, field=check.name, within=within)
        except BotError as error:
            check.status, check.detail = "missing", f"{error.message}; tried {describe_all(locators)}"
            return
        check.rank, check.matched = located.rank, located.locator.describe()
        check.status = "drift" if located.drifted else "ok"
        check.detail = None if not located.drifted else f"{check.first_choice} no longer matches"


def _elements(screen_map: ScreenMap) -> list[ElementCheck]:
    found = []
    for screen_name, screen in screen_map.screens.items():
        found += [ElementCheck(screen_name, name, "field") for name in screen.fields]
        found += [ElementCheck(screen_name, name, "action") for name in screen.actions]
        for table_name, table in screen.tables.items():
            found += [ElementCheck(screen_name, f"{table_name}.{name}", "column") for name in table.columns]
    return found


def contains(actual: Any, expected: Any) -> bool:
    """Whether `expected` is a subset of `actual` (lists: every expected item is contained in some actual item)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and contains(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and all(any(contains(a, e) for a in actual) for e in expected)
    return bool(actual == expected)


async def _run_example(runtime: SourceRuntime, example: Example) -> ExampleCheck:
    resource_type, _, interaction = example.interaction.partition(".")
    try:
        if interaction == "read":
            results = [await runtime.read(resource_type, example.id or "")]
        else:
            results = (await runtime.search(resource_type, example.params)).resources
    except BotError as error:
        passed = example.expect_error == type(error).__name__
        return ExampleCheck(example.name, passed, "" if passed else f"{type(error).__name__}: {error.message}")
    problems = []
    if example.expect_error:
        problems.append(f"expected {example.expect_error}, got {len(results)} result(s)")
    if example.expect is not None and not any(contains(r, example.expect) for r in results):
        problems.append("no result contains `expect`")
    if example.expect_count is not None and len(results) != example.expect_count:
        problems.append(f"expected {example.expect_count} results, got {len(results)}")
    problems += [
        f"no result contains {wanted}"
        for wanted in example.expect_includes
        if not any(contains(r, wanted) for r in results)
    ]
    return ExampleCheck(example.name, not problems, "; ".join(problems))


def _driver_factory(
    screen_map: ScreenMap, settings: Settings, base_url: str, host: BrowserHost, observer: ProbingObserver
) -> Callable[[], Driver]:
    source = screen_map.source

    def create() -> Driver:
        driver: Driver
        if source.driver == "desktop":
            module = importlib.import_module("bots.drivers.desktop")
            driver = module.create_desktop_driver(screen_map, settings)
        else:
            options = LaunchOptions.for_source(settings.browser, source.host_resolver_exclusions)
            driver = WebDriver(host, options, base_url, source.timeouts)
        observer.driver = driver
        return driver

    return create


async def check_screen_map(
    screen_map: ScreenMap,
    *,
    base_url: str | None = None,
    settings: Settings | None = None,
    credentials: CredentialStore | None = None,
    ui_version: int | None = None,
) -> CheckReport:
    """Run the map's reading examples against the live source and probe every screen they pass through."""
    settings = settings or Settings()
    report = CheckReport(screen_map.source.id, _elements(screen_map))
    observer = ProbingObserver(screen_map, report)
    host = BrowserHost()
    factory = _driver_factory(screen_map, settings, base_url or screen_map.source.url or "", host, observer)
    runtime = SourceRuntime(
        screen_map,
        settings=settings,
        base_url=base_url,
        observer=observer,
        credentials=credentials,
        driver_factory=factory,
    )
    try:
        for example in screen_map.examples:
            if example.writes or (ui_version is not None and ui_version not in example.ui_versions):
                continue
            report.examples.append(await _run_example(runtime, example))
    finally:
        await runtime.close()
        await host.close()
    return report


def write_screens(report: CheckReport, folder: Path) -> dict[str, str]:
    """Save each recognised screen's screenshot; screen name -> file name."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for screen, png in report.screens_seen.items():
        (folder / f"{screen}.png").write_bytes(png)
        names[screen] = f"{screen}.png"
    return names

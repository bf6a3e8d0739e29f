"""The engine's public face for one source: read, search, create, update and find_existing over a screen map.

    async with SourceRuntime(load_screen_map("screen_maps/legacy_web.yaml")) as runtime:
        patient = await runtime.read("Patient", "0001234")
        page = await runtime.search("Patient", {"family": "Smith"})
        result = await runtime.create(observation_json)

Every call borrows a logged-in session from the pool, runs the flow with every step reported to the observer,
re-logs in and runs once more if the session expired mid-flow, and returns FHIR JSON valid as R4. The source's
hooks (bots/ehrs/<source>.py, see bots.hooks) are loaded here unless `hooks=` is given.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from bots.credentials import CredentialStore
from bots.drivers.base import Driver
from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.web import WebDriver
from bots.errors import BotError, ConfigurationError, ErrorSummary, RecordNotFound, SessionExpired
from bots.flow_context import Emitted, FlowContext
from bots.flow_runner import FlowRunner
from bots.hooks import EhrHooks, load_hooks
from bots.map_models import Flow, SearchParam
from bots.observer import NullObserver, RunInfo, RunObserver, RunResult
from bots.pool import DriverFactory, SessionPool, quietly
from bots.results import SearchPage, resources_of
from bots.screen_map import ScreenMap
from bots.search_params import legacy_params
from bots.session import Session
from bots.step_log import StepLog
from bots.templates import parse
from bots.write_runner import WriteResult, WriteRunner
from bots.writes import same_value
from retrofhir.config import Settings

T = TypeVar("T")
Work = Callable[[Session, StepLog], Awaitable[T]]
BeforeSubmit = Callable[[], Awaitable[None]]


class SourceRuntime:
    """Runs one source's flows; create one per source per process and close it at the end."""

    def __init__(
        self,
        screen_map: ScreenMap,
        *,
        settings: Settings | None = None,
        base_url: str | None = None,
        observer: RunObserver | None = None,
        credentials: CredentialStore | None = None,
        driver_factory: DriverFactory | None = None,
        browser_host: BrowserHost | None = None,
        screenshots: bool = True,
        hooks: EhrHooks | None = None,
    ) -> None:
        self.screen_map = screen_map
        self.source_id = screen_map.source.id
        self.hooks = load_hooks(self.source_id) if hooks is None else hooks
        self.settings = settings or Settings()
        self.base_url = base_url or screen_map.source.url
        self.observer: RunObserver = observer or NullObserver()
        self.screenshots = screenshots
        self._owns_browser = browser_host is None and driver_factory is None
        self._browser_host = browser_host or BrowserHost()
        self.pool = SessionPool(
            screen_map,
            driver_factory or self._default_driver_factory(),
            credentials or CredentialStore(self.settings.secrets_file),
            self.observer,
            screenshots,
            self.hooks,
        )
        self.drift: list[str] = []

    def _default_driver_factory(self) -> DriverFactory:
        source = self.screen_map.source
        if source.driver == "desktop":
            module = importlib.import_module("bots.drivers.desktop")
            create: Callable[[ScreenMap, Settings], Driver] = module.create_desktop_driver
            return lambda: create(self.screen_map, self.settings)
        options = LaunchOptions.for_source(self.settings.browser, source.host_resolver_exclusions)
        base_url = self.base_url or ""
        return lambda: WebDriver(self._browser_host, options, base_url, source.timeouts)

    async def __aenter__(self) -> SourceRuntime:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.pool.close()
        if self._owns_browser:
            await self._browser_host.close()

    def _info(self, interaction: str, resource_type: str, resource_id: str | None, info: RunInfo | None) -> RunInfo:
        if info is not None:
            return info
        return RunInfo(
            uuid.uuid4().hex, self.source_id, interaction, resource_type=resource_type, resource_id=resource_id
        )

    async def _run(self, info: RunInfo, work: Work[T]) -> T:
        """Borrow a session, run the work; on SessionExpired log in again and run it once more."""
        await quietly(self.observer.run_started(info))
        try:
            result = await self._with_relogin(info, work)
        except BotError as error:
            error.context.source = error.context.source or self.source_id
            finished = RunResult(info.run_id, False, datetime.now(UTC), ErrorSummary.of(error))
            await quietly(self.observer.run_finished(finished))
            raise
        await quietly(self.observer.run_finished(RunResult(info.run_id, True, datetime.now(UTC))))
        return result

    async def _with_relogin(self, info: RunInfo, work: Work[T]) -> T:
        for attempt in (1, 2):
            async with self.pool.session() as session:
                log = StepLog(info.run_id, self.observer, session.driver, self.screenshots)
                try:
                    result = await work(session, log)
                except SessionExpired:
                    session.logged_in = False
                    if attempt == 2:
                        raise
                    continue
                finally:
                    await log.flush()
                    self.drift = list(log.drift)
                return result
        raise AssertionError("unreachable")

    async def run_flow(self, session: Session, log: StepLog, flow_key: str, context: FlowContext) -> FlowContext:
        """Run one flow on a borrowed session (for the write runner and the standard suite)."""
        flow = self.screen_map.flows[flow_key]
        await FlowRunner(self.screen_map, session.driver, log, context, self.hooks).run(flow.steps)
        return context

    def search_context(self, flow_key: str, params: Mapping[str, str], page_cursor: int = 1) -> FlowContext:
        flow = self.screen_map.flows[flow_key]
        if flow_key.endswith(".read"):
            return FlowContext(params=dict(params))
        legacy = legacy_params(self.screen_map, flow_key, flow, params)
        return FlowContext(params=legacy, page_cursor=page_cursor)

    def _flow_key(self, resource_type: str, interaction: str) -> str:
        key = f"{resource_type}.{interaction}"
        if key not in self.screen_map.flows:
            raise ConfigurationError(f"{self.source_id} does not support {key}", source=self.source_id)
        return key

    async def read(self, resource_type: str, resource_id: str, info: RunInfo | None = None) -> dict[str, Any]:
        """The resource with this logical id; RecordNotFound when the legacy system has none."""
        key = self._flow_key(resource_type, "read")
        flow = self.screen_map.flows[key]
        if flow.id_pattern is not None and re.fullmatch(flow.id_pattern, resource_id) is None:
            raise RecordNotFound(f"{resource_type} ids of this source never look like that", source=self.source_id)
        params = parse(flow.id, resource_id) if flow.id is not None else {"id": resource_id}
        if params is None:
            raise RecordNotFound(f"not a {resource_type} id of this source", source=self.source_id)

        async def work(session: Session, log: StepLog) -> dict[str, Any]:
            context = await self.run_flow(session, log, key, FlowContext(params=params))
            for resource in resources_of(self.screen_map, resource_type, context.emitted):
                if resource["id"] == resource_id:
                    return resource
            raise RecordNotFound(f"the legacy system has no such {resource_type}", source=self.source_id)

        return await self._run(self._info(key, resource_type, resource_id, info), work)

    async def search(
        self,
        resource_type: str,
        params: Mapping[str, str],
        page_cursor: str | None = None,
        info: RunInfo | None = None,
    ) -> SearchPage:
        """One page of resources matching the parameters the legacy search can take; pass `next_cursor` on."""
        key = self._flow_key(resource_type, "search")
        flow = self.screen_map.flows[key]
        narrowing = [name for name, param in flow.params.items() if param.apply == "fill"]
        if narrowing and not any(params.get(name) for name in narrowing):
            raise ConfigurationError(f"the legacy search cannot narrow without one of: {', '.join(narrowing)}")
        return await self._list(key, resource_type, params, page_cursor, info)

    async def history(
        self,
        resource_type: str,
        params: Mapping[str, str],
        page_cursor: str | None = None,
        info: RunInfo | None = None,
    ) -> SearchPage:
        """One page of the records the legacy system lists as changed (`Type.history`, e.g. `_since`): its
        worklist or change log, for syncs. Each record is read whole, as a search result would be."""
        return await self._list(self._flow_key(resource_type, "history"), resource_type, params, page_cursor, info)

    async def _list(
        self,
        key: str,
        resource_type: str,
        params: Mapping[str, str],
        page_cursor: str | None,
        info: RunInfo | None,
    ) -> SearchPage:
        if page_cursor is not None and not page_cursor.isdigit():
            raise ConfigurationError("not a page cursor of this source")
        context = self.search_context(key, params, int(page_cursor or 1))
        flow = self.screen_map.flows[key]

        async def work(session: Session, log: StepLog) -> SearchPage:
            fresh = FlowContext(params=context.params, page_cursor=context.page_cursor)
            done = await self.run_flow(session, log, key, fresh)
            next_cursor = str(done.next_cursor) if done.next_cursor is not None else None
            resources = resources_of(self.screen_map, resource_type, filtered(flow, done))
            return SearchPage(resources, next_cursor, list(log.drift))

        return await self._run(self._info(key, resource_type, None, info), work)

    def search_params(self, resource_type: str) -> dict[str, SearchParam]:
        """The search parameters the source's search flow takes (what a search planner may push down)."""
        flow = self.screen_map.flows.get(f"{resource_type}.search")
        return dict(flow.params) if flow is not None else {}

    async def create(
        self,
        resource: Mapping[str, Any],
        info: RunInfo | None = None,
        before_submit: BeforeSubmit | None = None,
        check_first: bool = True,
    ) -> WriteResult:
        """Check-before-write, fill, submit, verify-after-write. DuplicateRecord when it already exists.
        `before_submit` is awaited immediately before the submitting click; what it raises stops the write.
        `check_first=False` skips the check when the caller has just made it (`find_existing`) itself."""
        return await self._write(resource, "create", info, before_submit, check_first)

    async def update(
        self, resource: Mapping[str, Any], info: RunInfo | None = None, before_submit: BeforeSubmit | None = None
    ) -> WriteResult:
        """Write the fields the update flow covers and verify them (`before_submit` as for `create`)."""
        return await self._write(resource, "update", info, before_submit)

    async def _write(
        self,
        resource: Mapping[str, Any],
        interaction: str,
        info: RunInfo | None,
        before_submit: BeforeSubmit | None,
        check_first: bool = True,
    ) -> WriteResult:
        writer = WriteRunner(self, resource, interaction, before_submit, check_first)
        run_info = self._info(writer.plan.flow_key, writer.resource_type, writer.resource_id, info)
        return await self._run(run_info, writer.write)

    async def find_existing(self, resource: Mapping[str, Any], info: RunInfo | None = None) -> dict[str, Any] | None:
        """The record a create of this resource would duplicate, as FHIR, or None."""
        writer = WriteRunner(self, resource, "create")
        run_info = self._info(f"{writer.resource_type}.find_existing", writer.resource_type, None, info)
        return await self._run(run_info, writer.existing)


def filtered(flow: Flow, context: FlowContext) -> list[Emitted]:
    """Emitted records without those a `filter` parameter rules out (compared as legacy values)."""
    filters = {
        param.field: context.params[name]
        for name, param in flow.params.items()
        if param.apply == "filter" and param.field is not None and context.params.get(name)
    }
    return [
        item
        for item in context.emitted
        if all(same_value(value, item.record.get(field, ""), ignore_case=True) for field, value in filters.items())
    ]

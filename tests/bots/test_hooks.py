"""Per-EHR hooks: loading bots/ehrs/<source>.py, and the legacy web hook clearing the real maintenance notice.

The notice is met both on a chart page (inside a flow) and right after login (inside the login).
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

import bots.ehrs
from bots import hooks as hooks_module
from bots.credentials import CredentialStore
from bots.drivers.browser import BrowserHost, LaunchOptions
from bots.drivers.web import WebDriver
from bots.ehrs.legacy_web import LegacyWebHooks
from bots.engine import SourceRuntime
from bots.errors import ConfigurationError, ScreenNotRecognized
from bots.hooks import NO_HOOKS, load_hooks
from bots.observer import NullObserver, StepCollector, StepOutcome
from bots.screen_map import ScreenMap
from bots.session import Session, log_in
from bots.step_log import StepLog
from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.bots.conftest import NURSE, RuntimeFactory

NURSE_LOGIN = {"user": "nurse", "password": "nurse123"}

MRN = "0100097"


def test_a_source_gets_its_module_hooks_or_none() -> None:
    assert isinstance(load_hooks("legacy_web"), LegacyWebHooks)
    assert isinstance(load_hooks("legacy-web"), LegacyWebHooks)
    assert load_hooks("no-such-ehr") is NO_HOOKS


@pytest.mark.parametrize(
    ("source", "text", "complaint"),
    [
        ("broken_ehr", "import no_such_module_anywhere\n", "failed to import: ModuleNotFoundError"),
        ("wrong_ehr", "hooks = 'not hooks'\n", "must define `hooks`, an instance of an EhrHooks subclass (found str)"),
    ],
)
def test_a_bad_hooks_module_is_a_configuration_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, text: str, complaint: str
) -> None:
    (tmp_path / f"{source}.py").write_text(text)
    monkeypatch.setattr(hooks_module, "EHRS_DIR", tmp_path)
    monkeypatch.setattr(bots.ehrs, "__path__", [str(tmp_path)])
    monkeypatch.delitem(sys.modules, f"bots.ehrs.{source}", raising=False)

    with pytest.raises(ConfigurationError) as raised:
        load_hooks(source)

    assert str(tmp_path / f"{source}.py") in str(raised.value)
    assert complaint in str(raised.value)
    sys.modules.pop(f"bots.ehrs.{source}", None)


@pytest.mark.anyio
@pytest.mark.web
async def test_the_hook_acknowledges_the_maintenance_notice_as_an_observed_step(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer
) -> None:
    legacy_web_clean.set_knobs(maintenance_notice=1.0)
    keeper = StepCollector()
    runtime = make_runtime(observer=keeper)

    patient = await runtime.read("Patient", MRN)

    assert patient["id"] == MRN
    hook_steps = [step for step in keeper.steps if step.field_name == "hook:unexpected_screen"]
    assert [(step.action, step.outcome) for step in hook_steps] == [("click", StepOutcome.OK)]
    assert hook_steps[0].screenshot_png
    expects = [step for step in keeper.steps if step.action == "expect"]
    assert expects[-1].screen == "demographics"
    assert expects[-1].index > hook_steps[0].index


@pytest.mark.anyio
@pytest.mark.web
async def test_without_hooks_the_notice_is_an_unknown_screen(
    legacy_web_clean: LegacyWebServer, legacy_web_map: ScreenMap, browser_host: BrowserHost
) -> None:
    legacy_web_clean.set_knobs(maintenance_notice=1.0)
    data = legacy_web_map.model_dump()
    data["source"]["timeouts"]["screen_seconds"] = 2
    runtime = SourceRuntime(
        ScreenMap.model_validate(data),
        base_url=legacy_web_clean.base_url,
        credentials=CredentialStore(environment=NURSE),
        browser_host=browser_host,
        hooks=NO_HOOKS,
    )
    try:
        with pytest.raises(ScreenNotRecognized) as raised:
            await runtime.read("Patient", MRN)
    finally:
        await runtime.close()

    assert "demographics" in str(raised.value)
    assert raised.value.context.step == "expect"


@pytest.mark.anyio
@pytest.mark.web
async def test_the_hook_acknowledges_the_notice_met_right_after_login(
    make_runtime: RuntimeFactory, legacy_web_clean: LegacyWebServer
) -> None:
    legacy_web_clean.set_knobs(maintenance_notice=1.0, maintenance_notice_at_login=1)
    keeper = StepCollector()
    runtime = make_runtime(observer=keeper)

    patient = await runtime.read("Patient", MRN)

    assert patient["id"] == MRN
    hook_steps = [step for step in keeper.steps if step.field_name == "hook:unexpected_screen"]
    assert [(step.action, step.outcome) for step in hook_steps] == [("click", StepOutcome.OK)]
    login_steps = [step for step in keeper.steps if step.run_id == hook_steps[0].run_id]
    assert login_steps[-1].action == "expect"
    assert (login_steps[-1].screen, login_steps[-1].outcome) == ("home", StepOutcome.OK)
    assert login_steps[-1].index > hook_steps[0].index
    assert any(step.screen == "demographics" and step.run_id != hook_steps[0].run_id for step in keeper.steps)


@pytest.mark.anyio
@pytest.mark.web
async def test_without_hooks_the_notice_after_login_is_an_unknown_screen(
    legacy_web_clean: LegacyWebServer,
    legacy_web_map: ScreenMap,
    browser_host: BrowserHost,
    launch_options: LaunchOptions,
) -> None:
    legacy_web_clean.set_knobs(maintenance_notice=1.0, maintenance_notice_at_login=1)
    data = legacy_web_map.model_dump()
    data["source"]["timeouts"]["login_seconds"] = 2
    screen_map = ScreenMap.model_validate(data)
    driver = WebDriver(browser_host, launch_options, legacy_web_clean.base_url, screen_map.source.timeouts)
    await driver.start()
    session = Session(1, driver)
    try:
        with pytest.raises(ScreenNotRecognized) as raised:
            await log_in(
                screen_map,
                session,
                NURSE_LOGIN,
                StepLog(uuid.uuid4().hex, NullObserver(), driver, screenshots=False),
                NO_HOOKS,
            )
        assert "/notice" in ((await driver.signals()).url or "")
    finally:
        await driver.stop()

    assert "home" in str(raised.value)
    assert not session.logged_in

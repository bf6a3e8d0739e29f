"""What `retrofhir serve` schedules for a bot source against the practice web EHR: canary health checks (drift as a
state, logged and alerted once per change), syncs into the facade's local store (searches, and the EHR's own list
of changed patients), and retention purges."""

from __future__ import annotations

import itertools
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bots.credentials import CredentialStore
from bots.engine import SourceRuntime
from bots.map_loader import load_screen_map
from fhir_facade.provider import ProvidedResource
from fhir_facade.store import LocalStore
from practice_ehrs.legacy_web.runner import LegacyWebServer
from retrofhir.config import PROJECT_ROOT, Settings
from retrofhir.wiring.periodic import StoreRetention, StoreSync, canary_examples
from retrofhir.wiring.sources import discover_sources
from retrofhir.wiring.system import RetroFhirSystem
from scheduler import SchedulerSettings, SourceLimits
from scheduler.periodic import run_retention
from tests.pulse_observations import pulse_observation
from tests.scheduler.webhook_receiver import webhook_receiver

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(900)]

CANARY = "read a patient with a middle initial"


async def _eventually(condition: Callable[[], Awaitable[bool]], what: str, timeout: float = 300) -> None:
    with anyio.fail_after(timeout):
        while not await condition():
            await anyio.sleep(0.2)


def _settings(root: Path, webhook_url: str) -> Settings:
    maps = root / "maps"
    maps.mkdir()
    (maps / "legacy_web.yaml").write_text((PROJECT_ROOT / "screen_maps" / "legacy_web.yaml").read_text("utf-8"))
    limits = SourceLimits(
        kind="web",
        seats=2,
        health_check_interval_seconds=3,
        health_check_examples=[CANARY],
        sync_interval_seconds=3,
        sync_searches=["Patient?identifier=0100164"],
    )
    scheduler = SchedulerSettings(
        sweep_interval_seconds=0.5, sources={"legacy_web": limits}, alert_webhook_url=webhook_url
    )
    return Settings(data_dir=root / "var", screen_maps_dir=maps, scheduler=scheduler)


def test_canary_examples_are_the_read_only_ones_valid_on_every_ui_version() -> None:
    web_map = discover_sources(PROJECT_ROOT / "screen_maps", {})[-1].screen_map
    examples = canary_examples(web_map)
    assert examples
    assert all(not example.writes and set(example.ui_versions) >= {1, 2} for example in examples)
    assert [example.name for example in canary_examples(web_map, [CANARY])] == [CANARY]


async def test_serve_checks_health_syncs_and_purges_for_the_web_source(
    tmp_path: Path,
    legacy_web_clean: LegacyWebServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("RETROFHIR_SOURCE_URL_LEGACY_WEB", legacy_web_clean.base_url)
    monkeypatch.setenv("LEGACY_WEB_USERNAME", "nurse")
    monkeypatch.setenv("LEGACY_WEB_PASSWORD", "nurse123")
    caplog.set_level(logging.INFO, logger="scheduler.periodic")
    with webhook_receiver() as receiver:
        settings = _settings(tmp_path, receiver.url)
        async with RetroFhirSystem(settings) as system:
            assert system.scheduler is not None
            health = system.scheduler.health
            store: LocalStore = system.app.state.store

            async def state_is(expected: str) -> bool:
                return [(state.name, state.state) for state in await health.states()] == [("legacy_web", expected)]

            async def synced() -> bool:
                return await store.get("legacy-web", "Patient", "0100164") is not None

            await _eventually(lambda: state_is("healthy"), "a first healthy check")
            await _eventually(synced, "the sync to store the patient")
            # The vendor's upgrade moves and renames fields: found through fallback locators, reported as drift.
            legacy_web_clean.set_knobs(ui_version=2)
            await _eventually(lambda: state_is("drift"), "the check to report drift")
            (state,) = await health.states()
            assert state.drifted >= 1
            assert state.failed == 0
            legacy_web_clean.set_knobs(ui_version=1)
            await _eventually(lambda: state_is("healthy"), "the check to report healthy again")

            targets = system.scheduler.components.retention_targets
            purged = await run_retention(targets, {"audit": 0, "store": 0})
            assert purged["audit"] >= 1
            assert purged["store"] >= 1
            assert not await synced()

    changes = [record.getMessage() for record in caplog.records if record.getMessage().startswith("health check ")]
    logged = [message.split(": ", 1)[1].split(" (", 1)[0] for message in changes if " -> " in message]
    assert logged[0] == "None -> healthy"
    # One line per change of state, in order: healthy, then drift under UI v2, then healthy again.
    assert "healthy -> drift" in logged
    assert logged.index("drift -> healthy") > logged.index("healthy -> drift")
    assert all(line.split(" -> ")[1] == after.split(" -> ")[0] for line, after in itertools.pairwise(logged))
    alerts = [f"{alert['previous']} -> {alert['state']}" for alert in receiver.events("health.changed")]
    assert alerts == logged[1:]


async def test_store_retention_removes_records_not_seen_within_the_period_and_old_versions(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite'}"
    store = LocalStore(url, memory_entries=0)
    await store.create_schema()
    old = datetime.now(UTC) - timedelta(days=40)
    patient = {"resourceType": "Patient", "id": "1", "gender": "male"}
    try:
        await store.save("web", ProvidedResource({"resourceType": "Patient", "id": "9"}, "9", old))
        await store.save("web", ProvidedResource(patient, "1", old))
        await store.save("web", ProvidedResource({**patient, "gender": "female"}, "1", datetime.now(UTC)))
        engine = create_async_engine(url)
        try:
            purged = await StoreRetention(engine).purge(30)
        finally:
            await engine.dispose()
        assert purged == 3  # record 9 and its one version, and record 1's old version
        assert await store.get("web", "Patient", "9") is None
        assert [stored.version_id for stored in await store.history("web", "Patient", "1")] == [2]
    finally:
        await store.close()


async def test_a_sync_follows_the_legacy_change_list_and_refreshes_only_the_changed_patients(
    tmp_path: Path, legacy_web_clean: LegacyWebServer
) -> None:
    with sqlite3.connect(legacy_web_clean.db_path) as ehr:  # the seed's patients changed long ago
        ehr.execute("UPDATE patients SET updated_at = '2001-01-01T00:00:00'")
    credentials = CredentialStore(environment={"LEGACY_WEB_USERNAME": "nurse", "LEGACY_WEB_PASSWORD": "nurse123"})
    store = LocalStore(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite'}")
    await store.create_schema()
    web_map = load_screen_map(PROJECT_ROOT / "screen_maps" / "legacy_web.yaml")
    try:
        async with SourceRuntime(
            web_map, base_url=legacy_web_clean.base_url, credentials=credentials, screenshots=False
        ) as runtime:
            written = await runtime.create(pulse_observation("0100097", "1999-03-04T08:15:00Z", 71))
            entries = ["Patient/_history?_since={yesterday}", "Observation?patient={changed}&category=vital-signs"]
            refreshed = await StoreSync(runtime, "legacy_web", store, entries, max_pages=5).sync()

        patient = await store.get("legacy_web", "Patient", "0100097")
        pulse = await store.get("legacy_web", "Observation", written.id)
        assert patient is not None
        assert pulse is not None
        assert pulse.body["valueQuantity"]["value"] == 71
        assert await store.get("legacy_web", "Patient", "0100046") is None, "an unchanged patient was read"
        vitals = legacy_web_clean.query(
            "SELECT count(*) AS rows FROM vitals JOIN patients ON patients.id = vitals.patient_id WHERE mrn = ?",
            ("0100097",),
        )[0]["rows"]
        assert refreshed > 1 + vitals  # the patient, then each vitals row's Observations (several per row)
    finally:
        await store.close()

"""The local store on real SQLite and real PostgreSQL: versions move only on change, replays are remembered."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fhir_facade.provider import ProvidedResource
from fhir_facade.store import LocalStore
from tests.scheduler.processes import postgres_server


async def _scenario(url: str) -> None:
    store = LocalStore(url)
    await store.create_schema()
    try:
        seen = datetime(2026, 1, 1, 12, tzinfo=UTC)
        patient = {"resourceType": "Patient", "id": "k1", "gender": "male", "meta": {"versionId": "9"}}
        first = await store.save("src", ProvidedResource(patient, "legacy/1", seen))
        assert (first.version_id, first.legacy_key) == (1, "legacy/1")
        assert "versionId" not in first.body.get("meta", {})
        later = seen + timedelta(minutes=5)
        same = await store.save("src", ProvidedResource(patient, "legacy/1", later))
        assert same.version_id == 1
        assert same.last_updated == later, "an unchanged record is only seen again"
        changed = await store.save("src", ProvidedResource({**patient, "gender": "female"}, "legacy/1", later))
        assert changed.version_id == 2
        old = await store.get_version("src", "Patient", "k1", 1)
        assert old is not None
        assert old.body["gender"] == "male"
        current = await store.get("src", "Patient", "k1")
        assert current is not None
        assert current.resource()["meta"] == {
            "versionId": "2",
            "lastUpdated": "2026-01-01T12:05:00.000Z",
        }
        assert await store.get("other-source", "Patient", "k1") is None
        expires = datetime.now(UTC) + timedelta(minutes=5)
        assert await store.remember_assertion("client:jti-1", expires)
        assert not await store.remember_assertion("client:jti-1", expires)
    finally:
        await store.close()


def test_recent_versions_are_kept_in_memory_within_a_bound(tmp_path: Path) -> None:
    async def scenario() -> None:
        store = LocalStore(f"sqlite+aiosqlite:///{tmp_path / 'recent.sqlite'}", memory_entries=1)
        await store.create_schema()
        try:
            seen = datetime.now(UTC)
            await store.save("src", ProvidedResource({"resourceType": "Patient", "id": "a"}, "a", seen))
            recent = store.recent("src", "Patient", "a")
            assert recent is not None
            assert recent.version_id == 1
            await store.save("src", ProvidedResource({"resourceType": "Patient", "id": "b"}, "b", seen))
            assert store.recent("src", "Patient", "a") is None, "the oldest entry makes room"
            assert await store.get("src", "Patient", "a") is not None
            assert store.recent("src", "Patient", "a") is not None, "a database read is remembered"
        finally:
            await store.close()

    asyncio.run(scenario())


def test_store_on_sqlite(tmp_path: Path) -> None:
    asyncio.run(_scenario(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite'}"))


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_store_on_postgresql(postgres_url: str) -> None:
    asyncio.run(_scenario(postgres_url))

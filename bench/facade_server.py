"""The servers the facade benchmarks talk to, each under uvicorn in its own process: `python -m bench.facade_server`.

    cached   the full facade (auth, routes, local store) over the in-memory practice provider
    bare     a bare FastAPI app with one route returning given JSON bodies, nothing else
    live     the full facade over a bot provider driving the practice web EHR; the provider is timed and the
             bot's share of each read is served at /bench/bot-times so the benchmark can split facade and bot time

The benchmark registers one SMART client by writing its JWKS into `<data-dir>/clients/bench.jwks.json` first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI
from fastapi.responses import Response

from bots.credentials import CredentialStore
from bots.engine import SourceRuntime
from bots.map_loader import load_screen_map
from fhir_facade import create_app
from fhir_facade.provider import JsonObject, ProvidedResource, ProviderPage, ProviderSearch, SourceCapabilities
from fhir_facade.providers import BotProvider, MemoryProvider, practice_resources
from fhir_facade.settings import AuthSettings, ClientRegistration, FhirSettings, StoreSettings
from retrofhir.config import PROJECT_ROOT, FacadeSettings, Settings
from retrofhir.serve import QuietExitServer

SOURCE = "legacy-web"
CLIENT_ID = "bench"
JWKS_FILE = Path("clients") / "bench.jwks.json"
FHIR_JSON = "application/fhir+json"


class TimedProvider:
    """A provider that passes every call on and remembers how long each read took inside the provider."""

    def __init__(self, inner: BotProvider) -> None:
        self.inner = inner
        self.read_seconds: list[float] = []

    @property
    def capabilities(self) -> SourceCapabilities:
        return self.inner.capabilities

    async def read(self, resource_type: str, legacy_key: str) -> ProvidedResource:
        started = time.perf_counter()
        try:
            return await self.inner.read(resource_type, legacy_key)
        finally:
            self.read_seconds.append(time.perf_counter() - started)

    async def search(self, query: ProviderSearch) -> ProviderPage:
        return await self.inner.search(query)

    async def create(self, resource: JsonObject) -> ProvidedResource:
        return await self.inner.create(resource)

    async def update(self, legacy_key: str, resource: JsonObject) -> ProvidedResource:
        return await self.inner.update(legacy_key, resource)


def settings_for(data_dir: Path, port: int, memory_entries: int) -> Settings:
    client = ClientRegistration(client_id=CLIENT_ID, jwks_file=JWKS_FILE, scopes=["system/*.cruds"])
    fhir = FhirSettings(
        store=StoreSettings(default_max_age_seconds=3600, memory_entries=memory_entries),
        auth=AuthSettings(clients=[client], dev_mode=False),
    )
    facade = FacadeSettings(port=port, public_base_url=f"http://127.0.0.1:{port}")
    return Settings(data_dir=data_dir, facade=facade, fhir=fhir)


def cached_app(settings: Settings) -> FastAPI:
    return create_app(settings, {SOURCE: MemoryProvider(practice_resources())})


def bare_app(bodies_file: Path) -> FastAPI:
    """One route, the same path shape as the facade's read, answering the bodies it was given by id.

    Each body is encoded once, on the first request (so this server can start before the benchmark has written
    the file): the baseline does the least a FastAPI route can do to answer the same bytes.
    """
    app = FastAPI()

    @cache
    def encoded() -> dict[str, bytes]:
        loaded: dict[str, dict[str, Any]] = json.loads(bodies_file.read_text(encoding="utf-8"))
        return {
            logical_id: json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            for logical_id, body in loaded.items()
        }

    @app.get("/fhir/{source}/{resource_type}/{logical_id}")
    async def read(source: str, resource_type: str, logical_id: str) -> Response:
        return Response(encoded()[logical_id], media_type=FHIR_JSON)

    return app


def live_app(settings: Settings, legacy_url: str) -> tuple[FastAPI, SourceRuntime]:
    screen_map = load_screen_map(PROJECT_ROOT / "screen_maps" / "legacy_web.yaml")
    environment = {"LEGACY_WEB_USERNAME": "nurse", "LEGACY_WEB_PASSWORD": "nurse123"}
    runtime = SourceRuntime(
        screen_map, base_url=legacy_url, credentials=CredentialStore(environment=environment), screenshots=False
    )
    provider = TimedProvider(BotProvider(runtime, SOURCE))
    timings = APIRouter()

    @timings.post("/bench/bot-times")
    async def bot_times() -> list[float]:
        """The provider's read times since the last call, in seconds (and forget them)."""
        taken, provider.read_seconds = provider.read_seconds, []
        return taken

    return create_app(settings, {SOURCE: provider}, extra_routers=(timings,)), runtime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["cached", "bare", "live"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--memory-entries", type=int, default=10_000)
    parser.add_argument("--bodies", type=Path, help="bare: JSON object of id -> body")
    parser.add_argument("--legacy-url", help="live: base URL of the practice web EHR")
    arguments = parser.parse_args()
    settings = settings_for(arguments.data_dir, arguments.port, arguments.memory_entries)
    runtime: SourceRuntime | None = None
    if arguments.mode == "cached":
        app = cached_app(settings)
    elif arguments.mode == "bare":
        app = bare_app(arguments.bodies)
    else:
        app, runtime = live_app(settings, arguments.legacy_url)
    config = uvicorn.Config(app, host="127.0.0.1", port=arguments.port, log_level="warning", lifespan="on")
    asyncio.run(serve(QuietExitServer(config), runtime))


async def serve(server: uvicorn.Server, runtime: SourceRuntime | None) -> None:
    """Serve until SIGTERM/SIGINT, then close the bot runtime (and its browser) if there is one."""
    try:
        await server.serve()
    finally:
        if runtime is not None:
            await runtime.close()


if __name__ == "__main__":
    main()

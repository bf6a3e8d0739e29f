"""Facade benchmarks: reads answered from the local store against a bare FastAPI endpoint, and a live bot read.

Every server runs under uvicorn in a process of its own (bench/facade_server.py); the client runs here, so the
server has a core to itself on a two-core machine. Rounds of the compared servers are interleaved.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI

from bench.asgi_calls import AsgiCallError, get, time_gets
from bench.facade_process import ServerSpec, access_token, client_key, register_client, running_servers
from bench.facade_server import CLIENT_ID, SOURCE, bare_app, cached_app, settings_for
from bench.harness import BenchResult, percentile
from bench.http_load import LoadResult, run_load
from bench.legacy_web_target import legacy_web_target
from bench.machine import machine_load, paired_ratio
from fhir_facade.audit_recorder import FhirAuditMiddleware
from fhir_facade.auth import ASSERTION_TYPE, make_client_assertion
from fhir_facade.auth.keys import public_jwk
from retrofhir.wiring.system import open_audit_trail

CACHED_TARGET = 0.7
PATIENTS = 50
CONNECTIONS = 4
AUDITED_CALLS = 40
AUDITED_CONCURRENCY = 16
AUDITED_CONCURRENT_CALLS = 640


def _latency(results: list[LoadResult]) -> str:
    latencies = [latency for result in results for latency in result.latencies]
    return (
        f"p50 {percentile(latencies, 0.5) * 1000:.2f} ms, p99 {percentile(latencies, 0.99) * 1000:.2f} ms "
        f"over {len(latencies)} requests"
    )


def _rates(results: list[LoadResult]) -> str:
    return ", ".join(f"{result.requests_per_second:.0f}" for result in results)


def _prime(base_url: str, headers: dict[str, str], ids: list[str]) -> dict[str, object]:
    """Read every patient once (into the store) and return the bodies the facade answers with."""
    bodies: dict[str, object] = {}
    with httpx.Client(base_url=f"{base_url}/fhir/{SOURCE}", headers=headers, timeout=30) as client:
        for logical_id in ids:
            response = client.get(f"/Patient/{logical_id}")
            response.raise_for_status()
            bodies[logical_id] = response.json()
    return bodies


async def _in_process_token(app: FastAPI, key: ec.EllipticCurvePrivateKey) -> str:
    token_url = str(app.state.token_service.token_url)
    assertion = make_client_assertion(CLIENT_ID, token_url, key, "ES384", public_jwk(key, "ES384").get("kid"))
    form = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE}
    form |= {"client_assertion": assertion, "scope": "system/Patient.rs"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        response = await client.post("/auth/token", data=form)
    response.raise_for_status()
    return str(response.json()["access_token"])


async def concurrent_rate(app: FastAPI, paths: list[str], headers: dict[str, str], total: int, tasks: int) -> float:
    """Requests/s of `total` GETs over ASGI from `tasks` concurrent callers, each sending its next when answered."""

    async def caller(first: int) -> None:
        for index in range(first, total, tasks):
            if await get(app, paths[index % len(paths)], headers) != 200:
                raise AsgiCallError("the app did not answer 200")

    started = time.perf_counter()
    await asyncio.gather(*(caller(first) for first in range(tasks)))
    return total / (time.perf_counter() - started)


async def in_process_costs(work_dir: Path, key: ec.EllipticCurvePrivateKey, bodies_file: Path, count: int) -> str:
    """Per-request cost of the same read inside each app, called over ASGI with no socket or HTTP parsing; and of
    the facade with the audit middleware `retrofhir serve` adds (every store-answered read recorded in the trail)."""
    register_client(key, work_dir / "in-process")
    settings = settings_for(work_dir / "in-process", 80, 10_000)
    facade = cached_app(settings)
    audited = cached_app(settings)
    trail = open_audit_trail(settings)
    audited.add_middleware(FhirAuditMiddleware, trail=trail, source_ids={SOURCE: SOURCE.replace("-", "_")})
    bare = bare_app(bodies_file)
    paths = [f"/fhir/{SOURCE}/Patient/{number}" for number in range(1, PATIENTS + 1)]
    try:
        async with facade.router.lifespan_context(facade), audited.router.lifespan_context(audited):
            headers = {"Authorization": f"Bearer {await _in_process_token(facade, key)}"}
            await time_gets(facade, paths, headers, PATIENTS)
            await time_gets(audited, paths, headers, PATIENTS)
            await time_gets(bare, paths, headers, PATIENTS)
            facade_samples: list[float] = []
            bare_samples: list[float] = []
            audited_samples: list[float] = []
            audited_rates: list[float] = []
            for _ in range(5):
                facade_samples += await time_gets(facade, paths, headers, count)
                bare_samples += await time_gets(bare, paths, headers, count)
                audited_samples += await time_gets(audited, paths, headers, AUDITED_CALLS)
                audited_rates.append(
                    await concurrent_rate(audited, paths, headers, AUDITED_CONCURRENT_CALLS, AUDITED_CONCURRENCY)
                )
    finally:
        trail.close()
    facade_us, bare_us = statistics.median(facade_samples) * 1e6, statistics.median(bare_samples) * 1e6
    audited_ms = statistics.median(audited_samples) * 1e3
    return (
        f"inside the app (called over ASGI in this process, no socket, no HTTP parsing; {len(facade_samples)} "
        f"calls each): facade median {facade_us:.0f} µs, bare {bare_us:.0f} µs per read; the facade's extra is "
        f"its auth and scope check, routing, freshness check and headers; the body is the stored version's JSON "
        f"rendered once. With FhirAuditMiddleware as `retrofhir serve` wires it (each store-answered read's run and "
        f"response committed to the audit trail, in one transaction shared with the requests queued meanwhile, "
        f"before the answer ends): median {audited_ms:.1f} ms per read one at a time ({len(audited_samples)} "
        f"calls); {statistics.median(audited_rates):.0f} requests/s with {AUDITED_CONCURRENCY} concurrent callers "
        f"(median of {len(audited_rates)} runs of {AUDITED_CONCURRENT_CALLS}); this benchmark's facade arm leaves "
        f"the audit out"
    )


async def cached_read(work_dir: Path, requests_per_round: int, rounds: int) -> BenchResult:
    key = client_key()
    ids = [str(number) for number in range(1, PATIENTS + 1)]
    paths = [f"/fhir/{SOURCE}/Patient/{logical_id}" for logical_id in ids]
    register_client(key, work_dir / "memory")
    register_client(key, work_dir / "database")
    bodies_file = work_dir / "bodies.json"
    specs = (
        ServerSpec("cached", work_dir / "memory"),
        ServerSpec("cached", work_dir / "database", ("--memory-entries", "0")),
        ServerSpec("bare", work_dir / "bare", ("--bodies", str(bodies_file))),
    )
    with running_servers(*specs) as (facade, database_facade, bare):
        headers = {"Authorization": f"Bearer {access_token(facade.base_url, key)}"}
        database_headers = {"Authorization": f"Bearer {access_token(database_facade.base_url, key)}"}
        bodies_file.write_text(json.dumps(_prime(facade.base_url, headers, ids)), encoding="utf-8")
        _prime(database_facade.base_url, database_headers, ids)
        arms = {
            "facade": (facade.base_url, headers),
            "facade_database": (database_facade.base_url, database_headers),
            "bare": (bare.base_url, headers),
        }
        results: dict[str, list[LoadResult]] = {name: [] for name in arms}
        for base_url, arm_headers in arms.values():
            await run_load(base_url, paths, requests_per_round, CONNECTIONS, arm_headers)
        for round_number in range(rounds):
            # The compared pair runs back to back, each first in every other round; the database arm after them.
            pair = ["facade", "bare"] if round_number % 2 == 0 else ["bare", "facade"]
            for name in [*pair, "facade_database"]:
                base_url, arm_headers = arms[name]
                results[name].append(await run_load(base_url, paths, requests_per_round, CONNECTIONS, arm_headers))
    inside = await in_process_costs(work_dir, key, bodies_file, requests_per_round)
    facade_rate = statistics.median(result.requests_per_second for result in results["facade"])
    bare_rate = statistics.median(result.requests_per_second for result in results["bare"])
    database_rate = statistics.median(result.requests_per_second for result in results["facade_database"])
    ratio = paired_ratio(
        [result.requests_per_second for result in results["facade"]],
        [result.requests_per_second for result in results["bare"]],
    )
    return BenchResult(
        name="facade_cached_read",
        value=facade_rate,
        unit="requests/s",
        runs=rounds,
        baseline=bare_rate,
        ratio=ratio,
        description=(
            f"`GET /fhir/{SOURCE}/Patient/{{id}}` answered from the local store through the whole facade (bearer "
            "token checked: its ES256 signature once per token, then remembered until the token's exp; scopes "
            "enforced, route, freshness, headers, FHIR JSON), against a bare FastAPI route returning the same JSON "
            "bytes (encoded once) for the same path, both under uvicorn (one worker, its own process) "
            f"and driven by the same keep-alive client with {CONNECTIONS} connections from this process, "
            f"{requests_per_round} requests per round over {PATIENTS} patients; ratio = median over the rounds of "
            "facade / bare requests/s of the two runs back to back within the round, alternating which goes first "
            "(robust to load that drifts)."
        ),
        target=f"ratio >= {CACHED_TARGET} ({'met' if ratio >= CACHED_TARGET else 'NOT met'})",
        details=[
            f"facade: {_latency(results['facade'])}; rounds (requests/s): {_rates(results['facade'])}",
            f"bare FastAPI: {_latency(results['bare'])}; rounds (requests/s): {_rates(results['bare'])}",
            f"ratio of the two medians (not paired): {facade_rate / bare_rate:.3f}",
            f"facade with its in-process cache of recent versions off (`memory_entries = 0`, every read asks "
            f"SQLite, as a version check does): {database_rate:.0f} requests/s ({database_rate / bare_rate:.2f} of "
            f"bare); {_latency(results['facade_database'])}",
            "the facade's store is SQLite (the embedded default); the data behind it is the in-memory practice "
            "provider, read once into the store before measuring",
            inside,
            machine_load(),
        ],
    )


async def live_read(work_dir: Path, repeats: int) -> BenchResult:
    key = client_key()
    register_client(key, work_dir / "live")
    async with legacy_web_target() as target:
        live = ServerSpec("live", work_dir / "live", ("--legacy-url", target.base_url))
        with running_servers(live) as (facade,):
            token = access_token(facade.base_url, key)
            headers = {"Authorization": f"Bearer {token}", "Cache-Control": "no-cache"}
            totals: list[float] = []
            with httpx.Client(base_url=facade.base_url, headers=headers, timeout=60) as client:
                for mrn in target.mrns[:2]:
                    client.get(f"/fhir/{SOURCE}/Patient/{mrn}").raise_for_status()
                client.post("/bench/bot-times").raise_for_status()
                for index in range(repeats):
                    mrn = target.mrns[2 + index % (len(target.mrns) - 2)]
                    started = time.perf_counter()
                    client.get(f"/fhir/{SOURCE}/Patient/{mrn}").raise_for_status()
                    totals.append(time.perf_counter() - started)
                bot: list[float] = client.post("/bench/bot-times").json()
    facade_share = [total - bot_time for total, bot_time in zip(totals, bot, strict=True)]
    total_ms = statistics.median(totals) * 1000
    return BenchResult(
        name="facade_live_read",
        value=total_ms,
        unit="ms",
        runs=repeats,
        description=(
            f"`GET /fhir/{SOURCE}/Patient/{{mrn}}` with `Cache-Control: no-cache` through the facade under uvicorn "
            "(its own process) over `BotProvider` (fhir_facade/providers/bot_provider.py) and a warm, logged-in "
            "`SourceRuntime` driving the practice web EHR; time seen by an httpx client. Bot time is measured "
            "around the provider's read inside the server; facade time is the rest (HTTP, auth, store write, "
            "headers, JSON, and the client's own overhead)."
        ),
        target="no target set; the split shows where the time goes",
        details=[
            f"total: median {total_ms:.1f} ms, p90 {percentile(totals, 0.9) * 1000:.1f} ms",
            f"bot (provider read): median {statistics.median(bot) * 1000:.1f} ms",
            f"facade (total minus bot, per request): median {statistics.median(facade_share) * 1000:.1f} ms, "
            f"p90 {percentile(facade_share, 0.9) * 1000:.1f} ms",
            "engine without audit observer or step screenshots (as web_patient_read measures it)",
            machine_load(),
        ],
    )


async def run(requests_per_round: int = 100, rounds: int = 61, live_repeats: int = 15) -> list[BenchResult]:
    with tempfile.TemporaryDirectory(prefix="bench-facade-") as directory:
        cached = await cached_read(Path(directory), requests_per_round, rounds)
        live = await live_read(Path(directory), live_repeats)
    return [cached, live]

"""`retrofhir serve`: the facade, the scheduler with its workers and the audit trail in one process.

One FHIR base per screen map (`/fhir/legacy-web`, `/fhir/legacy-desktop`), the auditor console under `/audit`,
the write queue's admin API under `/admin/queue` (health-check states at `/admin/queue/health-checks`). With workers
it also runs each source's canary health checks, its configured syncs into the local store and the retention purges
(`[scheduler.sources.<id>]`, `[scheduler] retention_days`). `--no-workers` serves the API only and leaves the writes
and periodic jobs to `retrofhir worker` processes sharing the same PostgreSQL databases.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import click
import uvicorn

from retrofhir.config import Settings, load_settings
from retrofhir.wiring.system import RetroFhirSystem

logger = logging.getLogger(__name__)


class QuietExitServer(uvicorn.Server):
    """Uvicorn that stops on SIGINT/SIGTERM without re-raising them, so the system behind it shuts down in order."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        originals = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)


async def serve(settings: Settings, run_workers: bool = True, log_level: str = "warning") -> None:
    """Run until SIGINT or SIGTERM, then stop the facade, the workers, the browsers and the trail, in that order."""
    async with RetroFhirSystem(settings, run_workers) as system:
        # No access log: request lines carry patient ids and search values (PHI never goes into logs).
        config = uvicorn.Config(
            system.app,
            host=settings.facade.host,
            port=settings.facade.port,
            log_level=log_level,
            lifespan="on",
            access_log=False,
        )
        server = QuietExitServer(config)
        names = ", ".join(spec.fhir_name for spec in system.sources) or "none"
        logger.info("serving %s on %s (sources: %s)", "API and workers" if run_workers else "API", config.port, names)
        await server.serve()
        if not server.started:
            raise click.ClickException(f"could not listen on {settings.facade.host}:{settings.facade.port}")


@click.command("serve")
@click.option("--no-workers", is_flag=True, help="Serve the API only; `retrofhir worker` processes run the writes.")
@click.option("--log-level", default="INFO", show_default=True, type=click.Choice(["DEBUG", "INFO", "WARNING"]))
def serve_command(no_workers: bool, log_level: str) -> None:
    """Run the FHIR facade, the write queue's workers and the audit trail in one process."""
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler logs every job twice at INFO; the queue's own transitions say more.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLevelName(log_level)))
    asyncio.run(serve(load_settings(), run_workers=not no_workers, log_level=log_level.lower()))

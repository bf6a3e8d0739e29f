"""`retrofhir queue list|show|replay|resolve` for operators, and `retrofhir worker` for scale-out workers."""

from __future__ import annotations

import getpass
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import anyio
import click
from rich.console import Console
from rich.table import Table

from retrofhir.config import Settings, load_settings
from scheduler.components import ComponentsNotConfigured, load_components
from scheduler.database import create_engine, create_schema
from scheduler.queue import InvalidTransition, WriteNotFound, WriteQueue
from scheduler.records import WriteRecord
from scheduler.runtime import SchedulerRuntime
from scheduler.tables import WriteStatus

T = TypeVar("T")


def _with_queue(settings: Settings, action: Callable[[WriteQueue], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = create_engine(settings.scheduler.queue_url(settings.data_dir))
        try:
            await create_schema(engine)
            return await action(WriteQueue(engine, settings.scheduler))
        finally:
            await engine.dispose()

    try:
        return anyio.run(run)
    except WriteNotFound as error:
        raise click.ClickException(f"no write with id {error}") from error
    except InvalidTransition as error:
        raise click.ClickException(str(error)) from error


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else ""


def _record_table(records: list[WriteRecord]) -> Table:
    table = Table("id", "source", "interaction", "status", "attempts", "updated (UTC)", "reason")
    for record in records:
        status = f"{record.status}{' (review)' if record.needs_review else ''}"
        table.add_row(
            record.id,
            record.source,
            record.interaction,
            status,
            f"{record.attempts}/{record.max_attempts}",
            _when(record.updated_at),
            record.reason or "",
        )
    return table


@click.group()
def queue() -> None:
    """Inspect the write queue; replay dead-lettered writes and resolve unknown ones."""


@queue.command("list")
@click.option("--status", "statuses", multiple=True, type=click.Choice([str(status) for status in WriteStatus]))
@click.option("--source", default=None, help="Only writes to this source.")
@click.option("--review", is_flag=True, help="Only the review list: unresolved dead-lettered and unknown writes.")
@click.option("--limit", default=50, show_default=True)
def list_command(statuses: tuple[str, ...], source: str | None, review: bool, limit: int) -> None:
    """Writes, newest first."""
    wanted = [WriteStatus(status) for status in statuses]
    records = _with_queue(load_settings(), lambda queue: queue.list_writes(wanted, source, review, limit))
    Console().print(_record_table(records))


@queue.command()
@click.argument("write_id")
def show(write_id: str) -> None:
    """One write and every transition it went through (the evidence)."""

    async def fetch(queue: WriteQueue) -> tuple[WriteRecord, Table]:
        record = await queue.get(write_id)
        events = Table("at (UTC)", "from", "to", "attempt", "worker", "reason")
        for event in await queue.events(write_id):
            events.add_row(
                _when(event.at),
                event.from_status or "",
                event.to_status,
                str(event.attempt),
                event.worker or "",
                event.reason or "",
            )
        return record, events

    record, events = _with_queue(load_settings(), fetch)
    Console().print(_record_table([record]))
    details = Table(show_header=False)
    for name in (
        "idempotency_basis",
        "patient_key",
        "legacy_key",
        "error_kind",
        "submitted_at",
        "finished_at",
        "dead_lettered_at",
        "resolved_by",
        "resolution",
    ):
        value = getattr(record, name)
        details.add_row(name, _when(value) if isinstance(value, datetime) else str(value or ""))
    Console().print(details)
    Console().print(events)


@queue.command()
@click.argument("write_id")
@click.option("--by", default=getpass.getuser, show_default="current user", help="Who is replaying it.")
def replay(write_id: str, by: str) -> None:
    """Queue a dead-lettered or unknown write again (it starts with check-before-write)."""
    record = _with_queue(load_settings(), lambda queue: queue.replay(write_id, by))
    Console().print(_record_table([record]))


@queue.command()
@click.argument("write_id")
@click.option(
    "--outcome",
    required=True,
    type=click.Choice(["succeeded", "failed"]),
    help="succeeded: it is in the legacy record; failed: it is not and should not be written.",
)
@click.option("--note", required=True, help="Why (kept in the write's history; no patient data).")
@click.option("--legacy-key", default=None, help="The legacy record's key, if it did land.")
@click.option("--by", default=getpass.getuser, show_default="current user", help="Who is resolving it.")
def resolve(write_id: str, outcome: str, note: str, legacy_key: str | None, by: str) -> None:
    """Record a person's verdict on a dead-lettered or unknown write."""
    record = _with_queue(
        load_settings(), lambda queue: queue.resolve(write_id, WriteStatus(outcome), by, note, legacy_key)
    )
    Console().print(_record_table([record]))


@click.command()
@click.option("--log-level", default="INFO", show_default=True, type=click.Choice(["DEBUG", "INFO", "WARNING"]))
def worker(log_level: str) -> None:
    """Run write jobs and periodic jobs until SIGTERM or Ctrl-C (scale-out: many of these share PostgreSQL)."""
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler logs every job twice at INFO; the queue's own transitions say more.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLevelName(log_level)))
    settings = load_settings()
    try:
        components = load_components(settings)
    except ComponentsNotConfigured as error:
        raise click.ClickException(str(error)) from error

    async def run() -> None:
        try:
            scheduler_settings = components.scheduler_settings or settings.scheduler
            async with SchedulerRuntime(scheduler_settings, settings.data_dir, components) as runtime:
                click.echo(f"worker {runtime.identity} ready", err=True)
                with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
                    async for _ in signals:
                        break
        finally:
            # Running jobs have finished (or their leases will be recovered): close browsers, drain the audit writer.
            with anyio.CancelScope(shield=True):
                await components.aclose()
        click.echo("worker stopped", err=True)

    anyio.run(run)

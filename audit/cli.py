"""`retrofhir audit ...`: verify the chain, export a run's evidence, purge by retention, manage keys."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from audit.export import RunNotFound, export_run_html
from audit.keys import AuditKeyError, append_new_key
from audit.purge import purge_expired, seq_ranges
from audit.schema import ChainRecord
from audit.trail import AuditTrail
from audit.verify import verify_trail
from retrofhir.config import Settings, load_settings


def _open_trail(settings: Settings) -> AuditTrail:
    try:
        return AuditTrail.open(settings.audit, settings.data_dir)
    except AuditKeyError as error:
        raise click.ClickException(str(error)) from error


def _operator() -> str:
    """Who ran the command, for the view record: the login name of the local user."""
    return f"cli:{getpass.getuser()}"


@click.group()
def audit() -> None:
    """The screenshot audit trail: verify, export, purge, keys."""


@audit.command()
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    metavar="SEQ:HASH",
    help="A record hash kept outside the database (e.g. the head printed by an earlier verify); repeatable.",
)
def verify(anchors: tuple[str, ...]) -> None:
    """Check every record's hash and link and every screenshot; exit 1 naming the first record that does not match."""
    expected: dict[int, str] = {}
    for anchor in anchors:
        seq, _, digest = anchor.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise click.BadParameter(f"{anchor!r} is not SEQ:SHA256HEX", param_hint="--anchor")
        expected[int(seq)] = digest.lower()
    trail = _open_trail(load_settings())
    try:
        report = verify_trail(trail, expected)
    finally:
        trail.close()
    click.echo(f"records checked: {report.records_checked}, screenshots checked: {report.screenshots_checked}")
    click.echo(f"chain head: record {report.head_seq} {report.head_hash}")
    click.echo(f"keep it elsewhere to detect truncation later: --anchor {report.head_seq}:{report.head_hash}")
    if report.purged_seqs:
        click.echo(f"purged records (hashes only): {_ranges_text(report.purged_seqs)}")
    if report.ok:
        click.echo("OK: the chain and every screenshot match")
        return
    click.echo(f"FAILED: {report.first_problem}", err=True)
    for problem in report.problems[1:20]:
        click.echo(f"  also {problem}", err=True)
    sys.exit(1)


@audit.command()
@click.option("--run", "run_id", required=True, help="The run to export.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export(run_id: str, out_path: Path) -> None:
    """Write one self-contained HTML evidence file for a run (contains PHI: screenshots decrypted into it)."""
    trail = _open_trail(load_settings())
    try:
        html = export_run_html(trail, run_id, _operator())
    except RunNotFound as error:
        raise click.ClickException(f"no run {run_id} in the audit trail") from error
    finally:
        trail.close()
    out_path.write_text(html, encoding="utf-8")
    out_path.chmod(0o600)
    click.echo(f"wrote {out_path}")


@audit.command()
@click.option("--days", type=int, default=None, help="Retention in days (default: the configured retention).")
def purge(days: int | None) -> None:
    """Delete step detail and screenshots past retention, keeping their hashes so the chain still verifies."""
    settings = load_settings()
    trail = _open_trail(settings)
    try:
        report = purge_expired(trail, days if days is not None else settings.audit.retention_days)
    finally:
        trail.close()
    if not report.purged_seqs:
        click.echo(f"nothing recorded before {report.cutoff}")
        return
    click.echo(f"purged records {_ranges_text(report.purged_seqs)} (recorded before {report.cutoff})")
    click.echo(f"screenshots deleted: {report.screenshots_deleted}; purge logged as record {report.purge_record_seq}")


@audit.command()
@click.option("--key-id", required=True, help="A new key id, e.g. the date: 2026-11.")
def keygen(key_id: str) -> None:
    """Add a new newest key to the key file; new screenshots are encrypted with it from the next start."""
    settings = load_settings()
    key_file = settings.audit.resolved_key_file(settings.data_dir)
    try:
        append_new_key(key_file, key_id)
    except AuditKeyError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"added key {key_id} to {key_file}")


@audit.command()
def rotate() -> None:
    """Re-encrypt every stored screenshot under the newest key (old keys may be removed afterwards)."""
    trail = _open_trail(load_settings())
    changed = 0
    try:
        for digest in trail.screenshots.all_digests():
            changed += 1 if trail.screenshots.reencrypt(digest) else 0
    finally:
        trail.close()
    click.echo(f"re-encrypted {changed} screenshots under key {trail.screenshots.keys.newest.key_id}")


@audit.command("show-record")
@click.argument("seq", type=int)
def show_record(seq: int) -> None:
    """Print one chain record's hashes (no payload), to compare with an exported evidence file."""
    trail = _open_trail(load_settings())
    try:
        with trail.session() as session:
            record = session.get(ChainRecord, seq)
    finally:
        trail.close()
    if record is None:
        raise click.ClickException(f"no record {seq}")
    click.echo(f"seq {record.seq} kind {record.kind} run {record.run_id} recorded {record.recorded_at}")
    click.echo(f"prev_hash {record.prev_hash}\nrecord_hash {record.record_hash}")
    click.echo(f"payload_sha256 {record.payload_sha256}\nscreenshot_sha256 {record.screenshot_sha256 or '-'}")


def _ranges_text(seqs: list[int]) -> str:
    return ", ".join(f"{first}-{last}" if first != last else str(first) for first, last in seq_ranges(seqs))

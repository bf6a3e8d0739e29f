"""Run the practice web EHR in the foreground: the `retrofhir practice web` command and `python -m` entry."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import click
import uvicorn

from practice_ehrs.legacy_web.app import create_app
from practice_ehrs.legacy_web.knobs import KnobError, knobs_from_environment

ADMIN_TOKEN_VARIABLE = "LEGACY_WEB_ADMIN_TOKEN"  # noqa: S105 - a variable name, not a secret


def serve(host: str, port: int, database: Path, knob_changes: dict[str, Any], admin_token: str) -> None:
    """Serve until interrupted. Access logs stay off: search URLs carry patient names."""
    knobs = knobs_from_environment().updated(knob_changes)
    app = create_app(database, knobs, admin_token)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@click.command(name="web")
@click.option("--host", default=None, help="Address to listen on (default from retrofhir.toml: 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default from retrofhir.toml: 8081).")
@click.option("--database", type=click.Path(path_type=Path), default=None, help="SQLite file (created if missing).")
@click.option("--latency-ms", type=int, default=None, help="Added latency per request, in milliseconds.")
@click.option("--failure-rate", type=float, default=None, help="Share of requests (0-1) answered with a 500 page.")
@click.option("--idle-timeout-s", type=float, default=None, help="Idle session timeout in seconds (default 900).")
@click.option("--seat-limit", type=int, default=None, help="Concurrent logins allowed (default 3).")
@click.option("--ui-version", type=click.Choice(["1", "2"]), default=None, help="2 = the 'vendor upgrade' UI.")
@click.option("--admin-token", envvar=ADMIN_TOKEN_VARIABLE, default=None, help="Token for /admin (default: random).")
def web_command(
    host: str | None,
    port: int | None,
    database: Path | None,
    admin_token: str | None,
    **knob_options: Any,
) -> None:
    """Run the practice web EHR (legacy_web) in the foreground. Knobs also come from LEGACY_WEB_* variables."""
    if host is None or port is None or database is None:
        # Imported only when a default is needed: retrofhir.config pulls in every package's settings (seconds
        # of imports), and the test runner always passes all three options.
        from retrofhir.config import load_settings

        settings = load_settings().practice_web
        host, port, database = host or settings.host, port or settings.port, database or settings.database
    changes = {name: value for name, value in knob_options.items() if value is not None}
    token = admin_token or secrets.token_urlsafe(16)
    address = f"http://{host}:{port}"
    click.echo(f"practice web EHR on {address}/ (login nurse/nurse123); admin page {address}/admin?token={token}")
    try:
        serve(host, port, database, changes, token)
    except KnobError as error:
        raise click.BadParameter(str(error)) from error

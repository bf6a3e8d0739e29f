"""`retrofhir practice ...`: start, stop and reset the practice EHRs from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from practice_ehrs.clinical_data import reset_database
from practice_ehrs.legacy_desktop.command import desktop_command
from practice_ehrs.legacy_web.server import web_command
from retrofhir.config import load_settings


@click.group()
def practice() -> None:
    """Run the two practice legacy EHRs (web and desktop)."""


@practice.command()
@click.argument("which", type=click.Choice(["web", "desktop", "all"]), default="all")
def reset(which: str) -> None:
    """Restore a practice EHR's database to its seed state."""
    settings = load_settings()
    paths: list[Path] = []
    if which in ("web", "all"):
        paths.append(settings.practice_web.database)
    if which in ("desktop", "all"):
        paths.append(settings.practice_desktop.database)
    for path in paths:
        reset_database(path)
        click.echo(f"reset {path}")


practice.add_command(web_command)
practice.add_command(desktop_command)

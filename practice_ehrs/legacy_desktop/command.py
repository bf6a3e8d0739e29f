"""`retrofhir practice desktop`: run the desktop EHR on a virtual display until it exits or Ctrl+C."""

from __future__ import annotations

from pathlib import Path

import click
import mss
import mss.tools

from bots.drivers.xvfb import display_in_use
from practice_ehrs.legacy_desktop.knobs import Knobs
from practice_ehrs.legacy_desktop.runner import RunningDesktopEhr, run_legacy_desktop
from retrofhir.config import load_settings


def save_screenshot(ehr: RunningDesktopEhr, path: Path) -> None:
    """Save the whole virtual screen as a PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with mss.MSS(display=ehr.display) as screen:
        shot = screen.grab(screen.monitors[0])
        mss.tools.to_png(shot.rgb, shot.size, output=str(path))


@click.command("desktop")
@click.option("--db", "database", type=click.Path(path_type=Path), default=None, help="SQLite file (default: config)")
@click.option("--ui-version", type=click.IntRange(1, 2), default=None, help="2 = the vendor upgrade")
@click.option("--latency-ms", type=click.IntRange(min=0), default=None, help="delay before every window appears")
@click.option("--crash-rate", type=click.FloatRange(0, 1), default=None, help="chance per user action of a crash")
@click.option("--screenshot", type=click.Path(path_type=Path), default=None, help="save the login screen as PNG")
@click.option("--once", is_flag=True, help="stop right after start-up (and the screenshot)")
def desktop_command(
    database: Path | None,
    ui_version: int | None,
    latency_ms: int | None,
    crash_rate: float | None,
    screenshot: Path | None,
    once: bool,
) -> None:
    """Start Xvfb and the practice desktop EHR on it; print the DISPLAY to point a viewer or a bot at."""
    settings = load_settings().practice_desktop
    knobs = Knobs.resolve(ui_version=ui_version, latency_ms=latency_ms, crash_rate=crash_rate)
    number = None if display_in_use(settings.display) else settings.display
    with run_legacy_desktop(db_path=database or settings.database, knobs=knobs, display_number=number) as ehr:
        click.echo(f"practice desktop EHR running: DISPLAY={ehr.display} pid={ehr.pid} database={ehr.db_path}")
        click.echo("demo login: nurse / nurse123")
        if screenshot is not None:
            save_screenshot(ehr, screenshot)
            click.echo(f"screenshot: {screenshot}")
        if once:
            return
        click.echo("press Ctrl+C to stop")
        try:
            while ehr.exit_code(timeout=3600) is None:
                pass
        except KeyboardInterrupt:
            click.echo("stopping")

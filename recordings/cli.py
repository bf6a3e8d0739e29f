"""The bot author's commands: `retrofhir record`, `retrofhir map draft|check`, `retrofhir replay`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import sys
import time
from pathlib import Path

import click

from bots.errors import ScreenMapError
from bots.map_loader import load_screen_map, load_screen_map_text
from recordings.check import check_screen_map
from recordings.check_report import summary_lines, write_html
from recordings.desktop_recorder import DesktopRecorder
from recordings.desktop_replay import replay_desktop_recording
from recordings.draft import draft_screen_map, template_path
from recordings.live_view import LiveView
from recordings.replay import replay_recording
from recordings.store import RecordingError, load_recording
from recordings.web_recorder import RecorderOptions, WebRecorder
from retrofhir.config import Settings


@click.command()
@click.option("--url", help="a web application to record (any URL)")
@click.option("--command", "launch", help="an X11 desktop application to record: the command that starts it")
@click.option("--name", required=True, help="recording name: the folder recordings/<name>/")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("recordings"), show_default=True)
@click.option("--headless", is_flag=True, help="no window (for scripted recordings)")
def record(url: str | None, launch: str | None, name: str, out_dir: Path, headless: bool) -> None:
    """Record a workflow: use the application, mark fields (web: overlay or Alt+Shift+M; desktop: Ctrl+Alt+M)."""
    if (url is None) == (launch is None):
        raise click.UsageError("give exactly one of --url (web) or --command (desktop)")
    folder = out_dir / name
    if launch is not None:
        _record_desktop(shlex.split(launch), folder, name, None if headless else os.environ.get("DISPLAY"))
        return
    settings = Settings()
    with contextlib.ExitStack() as stack:
        environment: dict[str, str | float | bool] | None = None
        if not headless and not os.environ.get("DISPLAY"):
            from bots.drivers.xvfb import VirtualDisplay

            display = stack.enter_context(VirtualDisplay(width=1280, height=900))
            environment = dict(display.env)
            view = stack.enter_context(LiveView(display.display))
            click.echo(
                f"no DISPLAY: recording on the virtual display {display.display}; watch and use it at {view.url}"
            )
        options = RecorderOptions(
            url=url or "",
            folder=folder,
            name=name,
            executable_path=settings.browser.executable_path,
            headless=headless,
            host_resolver_rules=settings.browser.host_resolver_rules,
            environment=environment,
        )
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_record_until_closed(options))
    click.echo(f"recorded {folder}; next: retrofhir map draft {folder}")


def _record_desktop(command: list[str], folder: Path, name: str, display: str | None) -> None:
    recorder = DesktopRecorder(command, folder, name, display=display)
    asyncio.run(recorder.start())
    with contextlib.ExitStack() as stack:
        stack.callback(recorder.stop)
        where = display
        if where is None:
            view = stack.enter_context(LiveView(recorder.app.display))
            where = f"the virtual display {recorder.app.display} (watch and use it at {view.url})"
        click.echo(
            f"recording on {where}: use the application, Ctrl+Alt+M marks the field under the pointer; Ctrl-C ends"
        )
        with contextlib.suppress(KeyboardInterrupt):
            while recorder.app.alive:
                time.sleep(0.2)
    click.echo(f"recorded {folder}; next: retrofhir map draft {folder}")


async def _record_until_closed(options: RecorderOptions) -> None:
    async with WebRecorder(options) as recorder:
        click.echo("recording: work in the browser window, then close it")
        await recorder.wait_until_closed()


@click.group(name="map")
def map_group() -> None:
    """Draft screen maps from recordings and check them against the live UI."""


@map_group.command()
@click.argument("recording_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--source-id", help="the new source's id (default: the recording's name)")
@click.option("--out", "out_path", type=click.Path(path_type=Path), help="default: screen_maps/<source-id>.yaml")
@click.option("--force", is_flag=True, help="overwrite an existing file")
def draft(recording_dir: Path, source_id: str | None, out_path: Path | None, force: bool) -> None:
    """Write a screen-map draft from a recording; it loads with the real loader."""
    try:
        recording = load_recording(recording_dir)
    except RecordingError as error:
        raise click.ClickException(str(error)) from None
    source_id = source_id or recording.meta.name
    out_path = out_path or Path("screen_maps") / f"{source_id}.yaml"
    if out_path.exists() and not force:
        raise click.ClickException(f"{out_path} exists (use --force to overwrite)")
    text = draft_screen_map(recording, source_id)
    try:
        load_screen_map_text(text, str(out_path), expected_id=out_path.stem)
    except ScreenMapError as error:
        raise click.ClickException(f"the draft does not load: {error}") from None
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(text, encoding="utf-8")
    for crop_file in sorted((recording_dir / "crops").glob("*.png")):
        target = out_path.parent / template_path(source_id, crop_file.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(crop_file, target)
    click.echo(f"wrote {out_path}: review the CONFIRM lines, then: retrofhir map check {out_path}")


@map_group.command()
@click.argument("map_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", help="the live source's base URL (default: the map's source.url)")
@click.option(
    "--report", "report_dir", type=click.Path(path_type=Path), default=Path("var/map-check"), show_default=True
)
@click.option("--ui-version", type=int, help="only run examples meant for this UI version")
@click.option("--strict", is_flag=True, help="drift fails the check too")
def check(map_path: Path, url: str | None, report_dir: Path, ui_version: int | None, strict: bool) -> None:
    """Check a screen map against the live UI: per screen and element, which locator matched at which rank."""
    try:
        screen_map = load_screen_map(map_path)
    except ScreenMapError as error:
        raise click.ClickException(str(error)) from None
    settings = Settings(screen_maps_dir=map_path.parent.resolve())  # image templates live next to the map
    report = asyncio.run(check_screen_map(screen_map, base_url=url, ui_version=ui_version, settings=settings))
    for line in summary_lines(report):
        click.echo(line)
    click.echo(f"report: {write_html(report, report_dir / screen_map.source.id)}")
    if not report.ok or (strict and report.drifted):
        sys.exit(1)


@click.command()
@click.argument("recording_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--url", help="replay against this base URL instead of the recorded one")
def replay(recording_dir: Path, url: str | None) -> None:
    """Replay a recording and report the first divergence (credentials from RETROFHIR_RECORDING_<NAME>)."""
    try:
        recording = load_recording(recording_dir)
    except RecordingError as error:
        raise click.ClickException(str(error)) from None
    if recording.meta.driver == "desktop":
        result = asyncio.run(replay_desktop_recording(recording))
    else:
        result = asyncio.run(replay_recording(recording, base_url=url))
    for line in result.drift:
        click.echo(f"drift: {line}")
    if result.divergence is not None:
        click.echo(f"DIVERGED after {result.actions_replayed} actions: {result.divergence.describe()}")
        sys.exit(1)
    click.echo(f"replayed all {result.actions_replayed} actions")

"""`retrofhir demo` (what `make demo` runs): the practice EHRs, `retrofhir serve` and real FHIR calls, end to end.

It resets and starts the practice web EHR, resets the desktop EHR's data (its bot launches the application on a
virtual display of its own), starts `retrofhir serve` with the practice EHRs' demo logins, prints where everything
is, a dev token and curl commands, then makes real FHIR calls and shows their results. It runs until Ctrl-C
(`--check`: exits after the calls, non-zero if one failed). Children are stopped by PID.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click
import httpx
from rich.console import Console
from rich.table import Table

from fhir_facade.cli import issue_dev_token
from practice_ehrs.legacy_web.runner import LegacyWebServer, running_legacy_web
from retrofhir.config import Settings, load_settings
from retrofhir.demo_calls import CallResult, DemoCalls, curl_commands
from retrofhir.demo_shots import save_bot_screenshot, save_web_screenshots
from retrofhir.wiring.sources import url_override_variable

# The practice EHRs' published demo logins (practice_ehrs/*/README.md); handed to `serve` through its environment.
DEMO_LOGINS = {
    "LEGACY_WEB_USERNAME": "nurse",
    "LEGACY_WEB_PASSWORD": "nurse123",
    "LEGACY_DESKTOP_USERNAME": "nurse",
    "LEGACY_DESKTOP_PASSWORD": "nurse123",
}
SERVE_START_TIMEOUT_S = 90.0
console = Console()


def demo_settings(settings: Settings, port: int, ehr_port: int) -> Settings:
    facade = settings.facade.model_copy(update={"port": port, "public_base_url": f"http://127.0.0.1:{port}"})
    practice_web = settings.practice_web.model_copy(update={"port": ehr_port})
    return settings.model_copy(update={"facade": facade, "practice_web": practice_web})


def serve_environment(settings: Settings, ehr_url: str) -> dict[str, str]:
    """The environment of the `serve` child: this one, plus where things are and the demo logins (if unset)."""
    environment = {**DEMO_LOGINS, **os.environ}
    environment.update(
        {
            "RETROFHIR_DATA_DIR": str(Path(settings.data_dir).resolve()),
            "RETROFHIR_FACADE__HOST": "127.0.0.1",
            "RETROFHIR_FACADE__PORT": str(settings.facade.port),
            "RETROFHIR_FACADE__PUBLIC_BASE_URL": settings.facade.public_base_url,
            url_override_variable("legacy_web"): ehr_url,
        }
    )
    return environment


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop one child by its PID: SIGTERM, then SIGKILL if it does not go."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def running_serve(settings: Settings, environment: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`retrofhir serve` in a child process, ready once its metadata answers; stopped by PID on exit."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "retrofhir", "serve"], stdout=log, stderr=subprocess.STDOUT, env=environment
        )
    try:
        url = f"{settings.facade.public_base_url}/fhir/legacy-web/metadata"
        deadline = time.monotonic() + SERVE_START_TIMEOUT_S
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise click.ClickException(f"retrofhir serve did not start (see {log_path}):\n{tail}")
            time.sleep(0.2)
        yield process
    finally:
        stop_process(process)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).is_success
    except httpx.TransportError:
        return False


def desktop_wanted(settings: Settings, wanted: bool) -> bool:
    """Whether the desktop EHR takes part (its map exists and Xvfb is installed); if so, its data is reset."""
    if not wanted or not (Path(settings.screen_maps_dir) / "legacy_desktop.yaml").exists():
        return False
    if shutil.which("Xvfb") is None:
        console.print("[yellow]Xvfb is not installed: the desktop EHR is left out[/]")
        return False
    (Path(settings.data_dir) / "practice" / "legacy_desktop.sqlite").unlink(missing_ok=True)
    return True


def where_table(settings: Settings, ehr: LegacyWebServer, desktop: bool, serve_pid: int) -> Table:
    base = settings.facade.public_base_url
    table = Table("what", "where", title="RetroFHIR demo", title_justify="left")
    table.add_row("FHIR base, practice web EHR", f"{base}/fhir/legacy-web")
    if desktop:
        table.add_row("FHIR base, practice desktop EHR", f"{base}/fhir/legacy-desktop (its bot runs it under Xvfb)")
    table.add_row("OpenAPI docs", f"{base}/docs")
    table.add_row("auditor console", f"{base}/audit/login (paste the token below)")
    table.add_row("practice web EHR (login nurse / nurse123)", f"{ehr.base_url}/  pid {ehr.pid}")
    table.add_row("retrofhir serve", f"pid {serve_pid}, log {Path(settings.data_dir) / 'demo' / 'serve.log'}")
    return table


def results_table(title: str, results: list[CallResult]) -> Table:
    table = Table("", "call", "HTTP", "result", title=title, title_justify="left")
    for result in results:
        mark = "[green]ok[/]" if result.ok else "[red]FAILED[/]"
        table.add_row(mark, f"{result.method} {result.path}", str(result.status), result.summary)
    return table


def run_calls(settings: Settings, token: str, ehr: LegacyWebServer, desktop: bool) -> bool:
    def count_vitals(patient_id: str) -> int:
        rows = ehr.query(
            "SELECT COUNT(*) AS n FROM vitals JOIN patients ON patients.id = vitals.patient_id WHERE patients.mrn = ?",
            (patient_id,),
        )
        return int(rows[0]["n"])

    base = f"{settings.facade.public_base_url}/fhir/legacy-web"
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"}
    with httpx.Client(headers=headers, timeout=120) as client:
        calls = DemoCalls(client, base, count_vitals)
        passed = calls.run()
    console.print(results_table("FHIR calls through the bots (practice web EHR)", calls.results))
    if desktop:
        console.print("\nthe desktop EHR's bot reads pixels with OCR: its calls take a few seconds each ...")
        with httpx.Client(headers=headers, timeout=180) as client:
            desktop_calls = DemoCalls(client, f"{settings.facade.public_base_url}/fhir/legacy-desktop", count_vitals)
            passed = desktop_calls.run_reads("0100046", "family=smith&given=john") and passed
        console.print(results_table("FHIR calls through the bots (practice desktop EHR)", desktop_calls.results))
    return passed


def wait_for_interrupt(serve: subprocess.Popen[bytes]) -> None:
    console.print("\nRunning. Press [bold]Ctrl-C[/] to stop everything.")
    try:
        while serve.poll() is None:
            time.sleep(1)
        console.print(f"[red]retrofhir serve exited with {serve.returncode}[/]")
    except KeyboardInterrupt:
        console.print("\nstopping")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # Leaving through SystemExit unwinds the ExitStack, so every child is stopped by its PID.
    raise SystemExit(128 + signum)


@click.command("demo")
@click.option("--check", is_flag=True, help="Exit after the calls; the exit code says whether they all worked.")
@click.option("--screenshots", is_flag=True, help="Also save screenshots of both EHRs' main screens.")
@click.option("--screenshots-dir", type=click.Path(path_type=Path), default=Path("docs/screenshots"), show_default=True)
@click.option("--port", type=int, default=None, help="Facade port (default: [facade] port, 8080).")
@click.option("--ehr-port", type=int, default=None, help="Practice web EHR port (default: [practice_web] port, 8081).")
@click.option("--desktop/--no-desktop", default=True, show_default=True, help="Serve the desktop EHR too (Xvfb).")
def demo_command(
    check: bool, screenshots: bool, screenshots_dir: Path, port: int | None, ehr_port: int | None, desktop: bool
) -> None:
    """Start the practice EHRs and RetroFHIR, then show real FHIR calls working end to end."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    loaded = load_settings()
    settings = demo_settings(loaded, port or loaded.facade.port, ehr_port or loaded.practice_web.port)
    with ExitStack() as stack:
        console.print("starting the practice web EHR ...")
        ehr = stack.enter_context(
            running_legacy_web(Path(settings.practice_web.database).resolve(), port=settings.practice_web.port)
        )
        ehr.reset()
        if screenshots:
            for path in save_web_screenshots(ehr, screenshots_dir):
                console.print(f"screenshot: {path}")
            ehr.reset()
        with_desktop = desktop_wanted(settings, desktop)
        console.print("starting retrofhir serve ...")
        environment = serve_environment(settings, ehr.base_url)
        serve = stack.enter_context(
            running_serve(settings, environment, Path(settings.data_dir) / "demo" / "serve.log")
        )
        token = asyncio.run(issue_dev_token(settings, []))
        console.print(where_table(settings, ehr, with_desktop, serve.pid))
        lifetime = settings.fhir.auth.token_lifetime_seconds
        console.print(f"\n[bold]Dev token[/] (valid {lifetime} s; a fresh one: `retrofhir dev-token`):")
        console.print(f"export TOKEN={token}", soft_wrap=True, markup=False, highlight=False)
        console.print("\n[bold]Try it[/] (after the export above):")
        for command in curl_commands(f"{settings.facade.public_base_url}/fhir/legacy-web"):
            console.print(command, soft_wrap=True, markup=False, highlight=False)
        console.print()
        passed = run_calls(settings, token, ehr, with_desktop)
        if screenshots and with_desktop:
            shot = save_bot_screenshot(settings, "legacy_desktop", screenshots_dir / "legacy_desktop_main.png")
            console.print(f"screenshot: {shot or 'none: the desktop bot recorded no screen'}")
        if check:
            if not passed:
                raise SystemExit(1)
            return
        wait_for_interrupt(serve)

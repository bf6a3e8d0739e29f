"""The configuration file and environment of real `retrofhir worker` processes in the worker proofs (one source each).

config = write_worker_config(root, maps, "legacy_web", "web", lease_seconds=6, apscheduler_lease_seconds=10,
                             max_attempts=8, seats=2)
env = worker_process_environment(config, {"LEGACY_WEB_USERNAME": "nurse", ...})
"""

from __future__ import annotations

import os
from pathlib import Path

from retrofhir.config import PROJECT_ROOT


def write_worker_config(
    root: Path,
    maps: Path,
    source: str,
    kind: str,
    *,
    lease_seconds: int,
    apscheduler_lease_seconds: int,
    max_attempts: int,
    seats: int | None = None,
) -> Path:
    """`root/retrofhir.toml`: bot executors for `source` over the screen maps in `maps`, short retries and sweeps."""
    config = root / "retrofhir.toml"
    config.write_text(
        f'data_dir = "{root / "var"}"\n'
        f'screen_maps_dir = "{maps}"\n'
        "[scheduler]\n"
        'components_factory = "retrofhir.wiring.components:bot_worker_components"\n'
        "sweep_interval_seconds = 0.5\n"
        f"lease_seconds = {lease_seconds}\n"
        f"apscheduler_lease_seconds = {apscheduler_lease_seconds}\n"
        "redispatch_after_seconds = 8\n"
        "[scheduler.retry]\n"
        f"max_attempts = {max_attempts}\n"
        "base_delay_seconds = 0.2\n"
        "max_delay_seconds = 1\n"
        "seat_wait_seconds = 2\n"
        f"[scheduler.sources.{source}]\n"
        f'kind = "{kind}"\n' + (f"seats = {seats}\n" if seats is not None else "")
    )
    return config


def worker_process_environment(
    config: Path, variables: dict[str, str], dropped_prefixes: tuple[str, ...] = ("RETROFHIR_",)
) -> dict[str, str]:
    """This process's environment without variables that start with `dropped_prefixes`, pointed at `config`."""
    inherited = {name: value for name, value in os.environ.items() if not name.startswith(dropped_prefixes)}
    return {**inherited, "PYTHONPATH": str(PROJECT_ROOT), "RETROFHIR_CONFIG": str(config), **variables}

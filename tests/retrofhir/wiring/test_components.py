"""`retrofhir worker` loads bot write executors through `scheduler.components_factory`."""

from __future__ import annotations

from pathlib import Path

from retrofhir.config import Settings
from scheduler.bot_executor import BotWriteExecutor
from scheduler.components import load_components
from scheduler.settings import SchedulerSettings


def test_the_components_factory_gives_a_bot_executor_per_screen_map(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        scheduler=SchedulerSettings(components_factory="retrofhir.wiring.components:bot_worker_components"),
    )
    components = load_components(settings)
    assert set(components.executors) >= {"legacy_web"}
    assert all(isinstance(executor, BotWriteExecutor) for executor in components.executors.values())
    assert (tmp_path / "audit" / "keys").exists()

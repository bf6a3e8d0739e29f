"""The bot engine: screen maps, drivers and flows that read and write legacy EHRs through their UI."""

from bots.errors import BotError
from bots.observer import NullObserver, RunInfo, RunObserver, RunResult, StepRecord

__all__ = ["BotError", "NullObserver", "RunInfo", "RunObserver", "RunResult", "StepRecord"]

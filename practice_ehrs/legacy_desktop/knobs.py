"""Fault knobs of the practice desktop EHR: screen latency, random crashes and the UI version.

Each knob comes from a command-line option or, when the option is absent, an environment variable.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

LATENCY_ENV = "LEGACY_DESKTOP_LATENCY_MS"
CRASH_RATE_ENV = "LEGACY_DESKTOP_CRASH_RATE"
UI_VERSION_ENV = "LEGACY_DESKTOP_UI_VERSION"
CRASH_EXIT_CODE = 86
UI_VERSIONS = (1, 2)


@dataclass(frozen=True)
class Knobs:
    """How the app misbehaves: `latency_ms` before every window appears, `crash_rate` per user action."""

    ui_version: int = 1
    latency_ms: int = 0
    crash_rate: float = 0.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.ui_version not in UI_VERSIONS:
            raise ValueError(f"ui_version must be one of {UI_VERSIONS}, not {self.ui_version}")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if not 0.0 <= self.crash_rate <= 1.0:
            raise ValueError("crash_rate must be between 0 and 1")

    @classmethod
    def resolve(
        cls,
        ui_version: int | None = None,
        latency_ms: int | None = None,
        crash_rate: float | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> Knobs:
        """Knobs from explicit values, falling back to the environment, then to the defaults."""
        return cls(
            ui_version=ui_version if ui_version is not None else int(environ.get(UI_VERSION_ENV, "1")),
            latency_ms=latency_ms if latency_ms is not None else int(environ.get(LATENCY_ENV, "0")),
            crash_rate=crash_rate if crash_rate is not None else float(environ.get(CRASH_RATE_ENV, "0")),
        )

    def as_arguments(self) -> list[str]:
        """The command-line options that reproduce these knobs."""
        return [
            f"--ui-version={self.ui_version}",
            f"--latency-ms={self.latency_ms}",
            f"--crash-rate={self.crash_rate}",
        ]

    def maybe_crash(self) -> None:
        """With probability `crash_rate`, end the process at once, as a crashing legacy client does."""
        if self.crash_rate > 0 and self.rng.random() < self.crash_rate:
            sys.stderr.write("legacy_desktop: simulated crash\n")
            sys.stderr.flush()
            os._exit(CRASH_EXIT_CODE)

"""Fault knobs of the desktop EHR: explicit values win over the environment; bad values are refused."""

from __future__ import annotations

import pytest

from practice_ehrs.legacy_desktop.knobs import CRASH_RATE_ENV, LATENCY_ENV, UI_VERSION_ENV, Knobs


def test_explicit_values_win_over_the_environment_which_wins_over_defaults() -> None:
    environ = {UI_VERSION_ENV: "2", LATENCY_ENV: "300", CRASH_RATE_ENV: "0.25"}
    assert Knobs.resolve(environ={}) == Knobs()
    assert Knobs.resolve(environ=environ) == Knobs(ui_version=2, latency_ms=300, crash_rate=0.25)
    assert Knobs.resolve(ui_version=1, latency_ms=0, environ=environ) == Knobs(ui_version=1, crash_rate=0.25)


def test_knobs_round_trip_through_command_line_options() -> None:
    knobs = Knobs(ui_version=2, latency_ms=150, crash_rate=0.5)
    options = dict(argument.removeprefix("--").split("=") for argument in knobs.as_arguments())
    parsed = Knobs(int(options["ui-version"]), int(options["latency-ms"]), float(options["crash-rate"]))
    assert parsed == knobs


@pytest.mark.parametrize("values", [{"ui_version": 3}, {"latency_ms": -1}, {"crash_rate": 1.5}])
def test_out_of_range_knobs_are_refused(values: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        Knobs(**values)  # type: ignore[arg-type]


def test_a_zero_crash_rate_never_crashes() -> None:
    knobs = Knobs(crash_rate=0.0)
    for _ in range(1000):
        knobs.maybe_crash()

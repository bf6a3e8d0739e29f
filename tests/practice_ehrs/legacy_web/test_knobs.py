"""Knob validation, string conversion (forms, environment) and restoring the start values."""

from __future__ import annotations

import pytest

from practice_ehrs.legacy_web.knobs import KnobBoard, KnobError, Knobs, knobs_from_environment


def test_updates_convert_strings_and_keep_the_rest() -> None:
    knobs = Knobs().updated({"latency_ms": "250", "failure_rate": "0.5"})

    assert knobs == Knobs(latency_ms=250, failure_rate=0.5)


@pytest.mark.parametrize(
    "changes",
    [
        {"ui_version": 3},
        {"failure_rate": 1.5},
        {"seat_limit": 0},
        {"latency_ms": -1},
        {"pulse": 1},
        {"seat_limit": "x"},
    ],
)
def test_bad_knobs_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(KnobError):
        Knobs().updated(changes)


def test_environment_overrides_defaults() -> None:
    knobs = knobs_from_environment({"LEGACY_WEB_UI_VERSION": "2", "LEGACY_WEB_IDLE_TIMEOUT_S": "60", "PATH": "/bin"})

    assert knobs == Knobs(ui_version=2, idle_timeout_s=60)


def test_board_restores_start_values() -> None:
    board = KnobBoard(Knobs(seat_limit=1))
    board.update({"seat_limit": 9, "ui_version": 2})

    assert board.current == Knobs(seat_limit=9, ui_version=2)
    assert board.restore() == Knobs(seat_limit=1)

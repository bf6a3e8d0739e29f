"""Unit tests of the pure measuring helpers in bench/machine.py."""

from __future__ import annotations

import os

import pytest

from bench.machine import machine_load, paired_ratio


def test_paired_ratio_is_the_median_of_back_to_back_ratios() -> None:
    # Load doubled both sides in the middle pair; the ratio within each pair stays 0.5 or close to it.
    assert paired_ratio([10.0, 40.0, 12.0], [20.0, 80.0, 20.0]) == 0.5


def test_paired_ratio_needs_one_baseline_per_measurement() -> None:
    with pytest.raises(ValueError, match="zip"):
        paired_ratio([1.0, 2.0], [1.0])


def test_machine_load_names_the_cores() -> None:
    assert f"on {os.cpu_count()} cores" in machine_load()

"""Turn database rows into what the practice web EHR's screens display (legacy date and number formats)."""

from __future__ import annotations

import sqlite3
from typing import Any

from practice_ehrs.legacy_web.legacy_format import show_date, show_number, show_timestamp

DATE_COLUMNS = frozenset(
    {"dob", "visit_date", "onset_date", "recorded_date", "start_date", "taken_date", "collected_date"}
)
NUMBER_COLUMNS = frozenset({"weight_lb", "height_in", "temp_f", "pulse", "spo2"})


def full_name(row: sqlite3.Row) -> str:
    """`Smith, John A` (the middle name only when there is one)."""
    name = f"{row['last_name']}, {row['first_name']}"
    return f"{name} {row['middle_name']}" if row["middle_name"] else name


def display_row(row: sqlite3.Row) -> dict[str, Any]:
    """Every column of `row` formatted for the screen, plus `name`, `updated` and the chart link for patients."""
    shown: dict[str, Any] = {}
    for key in row.keys():  # noqa: SIM118 - sqlite3.Row has no __iter__ over keys
        value = row[key]
        if key in DATE_COLUMNS:
            shown[key] = show_date(value)
        elif key in NUMBER_COLUMNS:
            shown[key] = show_number(value)
        elif key == "updated_at":
            shown["updated"] = show_timestamp(value)
        else:
            shown[key] = value
    if "last_name" in shown:
        shown["name"] = full_name(row)
        shown["_href"] = f"/chart/{row['id']}/demographics"
    return shown

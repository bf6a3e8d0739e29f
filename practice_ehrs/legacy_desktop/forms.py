"""Entry forms of the desktop EHR (vitals, allergy, problem, demographics, registration) on one generic window.

A form collects what was typed, hands it to a save function that validates and writes it, and then either shows
the modal "Saved" box or, for invalid input, a modal error box naming the problem while the form stays open.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from tkinter import ttk
from typing import Any

from practice_ehrs.legacy_desktop.look import Look
from practice_ehrs.legacy_desktop.validation import PROBLEM_STATUSES, SEVERITIES, SEXES, InputError
from practice_ehrs.legacy_desktop.window import Context, LegacyWindow, show_error, show_saved

SaveHandler = Callable[[dict[str, str]], str]


@dataclass(frozen=True)
class FieldSpec:
    """One labelled input of a form; `choices` makes it a drop-down list that also accepts typing."""

    key: str
    label: str
    width: int = 22
    choices: tuple[str, ...] = ()
    value: str = ""
    hint: str = ""


class FormWindow(LegacyWindow):
    """A modal form: labelled inputs in one or two columns, then Save and Cancel."""

    def __init__(
        self,
        context: Context,
        title: str,
        fields: list[FieldSpec],
        on_save: SaveHandler,
        on_saved: Callable[[], None],
        icon: str = "application",
    ) -> None:
        super().__init__(context, title, "form", modal=True, icon=icon)
        self.on_save, self.on_saved = on_save, on_saved
        self.variables: dict[str, tk.StringVar] = {}
        columns = 2 if context.look.ui_version == 2 and len(fields) > 5 else 1
        grid = tk.Frame(self.body, padx=12, pady=10)
        grid.pack(fill="both", expand=True)
        rows = -(-len(fields) // columns)
        for index, spec in enumerate(fields):
            row, column = index % rows, (index // rows) * 3
            self._add_field(grid, spec, row, column)
        buttons = tk.Frame(self.body, padx=12, pady=8)
        buttons.pack(fill="x")
        tk.Button(buttons, text="Cancel", width=10, command=context.action(self.close)).pack(side="right")
        tk.Button(buttons, text="Save", width=10, default="active", command=context.action(self.save)).pack(
            side="right", padx=(0, 6)
        )
        self.bind("<Return>", lambda _event: context.action(self.save)())
        self.bind("<Escape>", lambda _event: context.action(self.close)())

    def _add_field(self, grid: tk.Frame, spec: FieldSpec, row: int, column: int) -> None:
        variable = tk.StringVar(self, value=spec.value)
        self.variables[spec.key] = variable
        tk.Label(grid, text=spec.label, anchor="w").grid(row=row, column=column, sticky="w", padx=(0, 6), pady=2)
        widget: tk.Widget
        if spec.choices:
            widget = ttk.Combobox(grid, textvariable=variable, values=spec.choices, width=spec.width - 2)
        else:
            widget = tk.Entry(grid, textvariable=variable, width=spec.width)
        widget.grid(row=row, column=column + 1, sticky="w", pady=2)
        if spec.hint:
            tk.Label(grid, text=spec.hint, foreground="#404040").grid(
                row=row, column=column + 2, sticky="w", padx=(4, 12)
            )

    def values(self) -> dict[str, str]:
        return {key: variable.get() for key, variable in self.variables.items()}

    def save(self) -> None:
        try:
            message = self.on_save(self.values())
        except InputError as error:
            show_error(self.context, self, str(error))
            return
        self.destroy()
        show_saved(self.context, None, message)
        self.on_saved()


def _ordered(fields: list[FieldSpec], look: Look, order_v2: tuple[str, ...]) -> list[FieldSpec]:
    if look.ui_version == 1:
        return fields
    by_key = {spec.key: spec for spec in fields}
    return [by_key[key] for key in order_v2]


def vitals_fields(look: Look) -> list[FieldSpec]:
    fields = [
        FieldSpec("date", "Date:", 12, hint="MM/DD/YYYY"),
        FieldSpec("time", "Time:", 8, hint="HH:MM"),
        FieldSpec("weight", "Weight (lb):", 8),
        FieldSpec("height", "Height (in):", 8),
        FieldSpec("bp", "BP:", 8, hint="e.g. 128/82"),
        FieldSpec("temp", "Temp (°F):", 8),
        FieldSpec("pulse", "Pulse:", 8),
        FieldSpec("spo2", "SpO2 (%):", 8),
        FieldSpec("comment", "Comment:", 30),
    ]
    return _ordered(fields, look, ("date", "time", "bp", "pulse", "temp", "spo2", "weight", "height", "comment"))


def allergy_fields(look: Look) -> list[FieldSpec]:
    fields = [
        FieldSpec("allergen", "Allergen:", 30),
        FieldSpec("reaction", "Reaction:", 30),
        FieldSpec("severity", "Severity:", 14, choices=SEVERITIES),
    ]
    return _ordered(fields, look, ("allergen", "severity", "reaction"))


def problem_fields(look: Look) -> list[FieldSpec]:
    fields = [
        FieldSpec("description", "Description:", 34),
        FieldSpec("icd10", "ICD-10:", 10, hint="e.g. E11.9"),
        FieldSpec("onset", "Onset Date:", 12, hint="MM/DD/YYYY"),
        FieldSpec("status", "Status:", 14, choices=PROBLEM_STATUSES, value="Active"),
    ]
    return _ordered(fields, look, ("description", "status", "onset", "icd10"))


def contact_fields(look: Look, patient: dict[str, Any]) -> list[FieldSpec]:
    fields = [
        FieldSpec("phone", look.label("phone"), 18, value=patient["phone"], hint="(555) 123-4567"),
        FieldSpec("address", look.label("address"), 30, value=patient["address_line"]),
        FieldSpec("city", look.label("city"), 20, value=patient["city"]),
        FieldSpec("state", look.label("state"), 4, value=patient["state"]),
        FieldSpec("zip", look.label("zip"), 10, value=patient["zip"]),
    ]
    return _ordered(fields, look, ("address", "city", "state", "zip", "phone"))


def registration_fields(look: Look) -> list[FieldSpec]:
    fields = [
        FieldSpec("last_name", look.label("last_name"), 24),
        FieldSpec("first_name", look.label("first_name"), 24),
        FieldSpec("middle_name", look.label("middle_name"), 24),
        FieldSpec("dob", look.label("dob"), 12, hint="MM/DD/YYYY"),
        FieldSpec("sex", look.label("sex"), 6, choices=SEXES),
        FieldSpec("phone", look.label("phone"), 18),
        FieldSpec("address", look.label("address"), 30),
        FieldSpec("city", look.label("city"), 20),
        FieldSpec("state", look.label("state"), 4),
        FieldSpec("zip", look.label("zip"), 10),
    ]
    order_v2 = ("first_name", "middle_name", "last_name", "sex", "dob", "phone", "address", "city", "state", "zip")
    return _ordered(fields, look, order_v2)

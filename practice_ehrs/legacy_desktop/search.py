"""The patient search dialog: criteria by name, date of birth and MRN; results in a list box."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import font as tkfont
from typing import Any

from practice_ehrs.legacy_desktop.store import SEARCH_LIMIT
from practice_ehrs.legacy_desktop.validation import InputError, parse_date
from practice_ehrs.legacy_desktop.window import Context, LegacyWindow, show_error

SEARCH_TITLE = "Patient Search"
NAME_WIDTH = 30
HAIR_SPACE = "\u200a"  # pads list columns to within a pixel, as a proportional font's spaces cannot
CRITERIA_V1 = ("last_name", "first_name", "dob", "mrn")
CRITERIA_V2 = ("mrn", "last_name", "first_name", "dob")

Searcher = Callable[[str, str, str, str], list[dict[str, Any]]]


def mmddyyyy(iso_date: str) -> str:
    """YYYY-MM-DD -> MM/DD/YYYY ("" stays "")."""
    if not iso_date:
        return ""
    year, month, day = iso_date[:10].split("-")
    return f"{month}/{day}/{year}"


def pad_to(text: str, pixels: int, measure: Callable[[str], int]) -> str:
    """`text` followed by spaces until it is `pixels` wide in a proportional font (old-style list columns)."""
    padded = text + " "
    while measure(padded + " ") <= pixels:
        padded += " "
    while measure(padded) < pixels and measure(padded + HAIR_SPACE) <= pixels:
        padded += HAIR_SPACE
    return padded


def result_line(patient: dict[str, Any], measure: Callable[[str], int]) -> str:
    """One list-box line: NAME (upper case), DOB, sex and MRN in columns aligned with spaces."""
    name = f"{patient['last_name']}, {patient['first_name']} {patient['middle_name']}".strip().upper()
    stops = column_stops(measure)
    line = pad_to(name[:NAME_WIDTH], stops[0], measure)
    line = pad_to(line + mmddyyyy(patient["dob"]), stops[1], measure)
    line = pad_to(line + patient["sex"], stops[2], measure)
    return line + str(patient["mrn"])


def column_stops(measure: Callable[[str], int]) -> tuple[int, int, int]:
    """Pixel positions where the DOB, Sex and MRN columns start."""
    digit = measure("0")
    return digit * 32, digit * 44, digit * 49


def header_line(measure: Callable[[str], int]) -> str:
    stops = column_stops(measure)
    return (
        pad_to(pad_to(pad_to("Name", stops[0], measure) + "DOB", stops[1], measure) + "Sex", stops[2], measure) + "MRN"
    )


class SearchWindow(LegacyWindow):
    """Modal search: Search (v2: Find) fills the list; Open or a double-click opens the selected chart."""

    def __init__(self, context: Context, search: Searcher, on_open: Callable[[int], None]) -> None:
        super().__init__(context, SEARCH_TITLE, "search", modal=True, icon="search")
        self.search, self.on_open = search, on_open
        self.results: list[dict[str, Any]] = []
        look = context.look
        criteria = tk.LabelFrame(self.body, text="Search Criteria", padx=8, pady=6)
        criteria.pack(fill="x", padx=10, pady=(8, 4))
        self.criteria: dict[str, tk.StringVar] = {}
        order = CRITERIA_V1 if look.ui_version == 1 else CRITERIA_V2
        for index, key in enumerate(order):
            row, column = (index, 0) if look.ui_version == 1 else (index // 2, (index % 2) * 2)
            variable = tk.StringVar(self)
            self.criteria[key] = variable
            tk.Label(criteria, text=look.label(key)).grid(row=row, column=column, sticky="w", padx=(0, 6), pady=2)
            tk.Entry(criteria, textvariable=variable, width=20 if key != "dob" else 12).grid(
                row=row, column=column + 1, sticky="w", pady=2, padx=(0, 10)
            )
            if key == "dob" and look.ui_version == 1:
                tk.Label(criteria, text="MM/DD/YYYY", foreground="#404040").grid(row=row, column=2, sticky="w")
        actions = tk.Frame(criteria)
        actions.grid(row=0, column=4, rowspan=4, sticky="ne", padx=(16, 0))
        tk.Button(actions, text=look.label("search"), width=9, default="active", command=context.action(self.run)).pack(
            pady=(0, 4)
        )
        tk.Button(actions, text="Clear", width=9, command=context.action(self.clear)).pack()
        listing = tk.Frame(self.body)
        listing.pack(fill="both", expand=True, padx=10)
        self.measure = tkfont.nametofont("TkDefaultFont").measure
        tk.Label(listing, text=header_line(self.measure), anchor="w", padx=1).pack(fill="x")
        scrollbar = tk.Scrollbar(listing, orient="vertical")
        self.listbox = tk.Listbox(listing, width=64, height=12, activestyle="none", yscrollcommand=scrollbar.set)
        scrollbar.configure(command=self.listbox.yview)
        self.listbox.pack(side="left", fill="both", expand=True)
        scrollbar.pack(side="left", fill="y")
        self.listbox.bind("<Double-Button-1>", lambda _event: context.action(self.open_selected)())
        bottom = tk.Frame(self.body)
        bottom.pack(fill="x", padx=10, pady=8)
        self.count = tk.StringVar(self, value="Enter search criteria.")
        tk.Label(bottom, textvariable=self.count).pack(side="left")
        tk.Button(bottom, text="Cancel", width=9, command=context.action(self.close)).pack(side="right")
        tk.Button(bottom, text="Open", width=9, command=context.action(self.open_selected)).pack(
            side="right", padx=(0, 6)
        )
        self.bind("<Return>", lambda _event: context.action(self.run)())
        self.bind("<Escape>", lambda _event: context.action(self.close)())

    def run(self) -> None:
        values = {key: variable.get().strip() for key, variable in self.criteria.items()}
        if not any(values.values()):
            show_error(self.context, self, "Enter at least one search field.")
            return
        try:
            dob = parse_date(values["dob"], self.context.look.label("dob").rstrip(":"), required=False)
        except InputError as error:
            show_error(self.context, self, str(error))
            return
        self.results = self.search(values["last_name"], values["first_name"], dob, values["mrn"])
        self.listbox.delete(0, "end")
        for patient in self.results:
            self.listbox.insert("end", result_line(patient, self.measure))
        if not self.results:
            self.count.set("No patients found.")
        elif len(self.results) >= SEARCH_LIMIT:
            self.count.set(f"First {SEARCH_LIMIT} patients shown; narrow the search.")
        else:
            self.count.set(f"{len(self.results)} patient(s) found.")

    def clear(self) -> None:
        for variable in self.criteria.values():
            variable.set("")
        self.results = []
        self.listbox.delete(0, "end")
        self.count.set("Enter search criteria.")

    def open_selected(self) -> None:
        selection = self.listbox.curselection()  # type: ignore[no-untyped-call]
        if not selection:
            show_error(self.context, self, "Select a patient in the list first.")
            return
        patient_id = int(self.results[selection[0]]["id"])
        self.destroy()
        self.on_open(patient_id)

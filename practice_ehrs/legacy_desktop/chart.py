"""The patient chart window: a banner and tabs (Demographics, Vitals, Allergies, Medications, Problems, Labs)."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from tkinter import ttk
from typing import Any

from practice_ehrs.legacy_desktop.search import mmddyyyy
from practice_ehrs.legacy_desktop.store import ClinicalStore
from practice_ehrs.legacy_desktop.window import Context, LegacyWindow

CHART_TITLE = "Patient Chart"
LABS_PER_PAGE = 15
DEMOGRAPHICS_V1 = (
    "last_name",
    "first_name",
    "middle_name",
    "dob",
    "sex",
    "mrn",
    "phone",
    "address",
    "city",
    "state",
    "zip",
    "updated",
)
DEMOGRAPHICS_V2 = (
    "mrn",
    "first_name",
    "middle_name",
    "last_name",
    "sex",
    "dob",
    "address",
    "city",
    "state",
    "zip",
    "phone",
    "updated",
)
Row = dict[str, Any]


def _number(value: Any) -> str:
    return "" if value is None else f"{value:g}"


@dataclass(frozen=True)
class ChartActions:
    """What the chart's buttons do; the application supplies them."""

    edit_demographics: Callable[[], None]
    add_vitals: Callable[[], None]
    add_allergy: Callable[[], None]
    add_problem: Callable[[], None]


def demographic_values(patient: Row) -> dict[str, str]:
    """The Demographics tab's values by label key, formatted as the legacy screen shows them."""
    updated = patient["updated_at"]
    return {
        "last_name": patient["last_name"],
        "first_name": patient["first_name"],
        "middle_name": patient["middle_name"],
        "dob": mmddyyyy(patient["dob"]),
        "sex": patient["sex"],
        "mrn": patient["mrn"],
        "phone": patient["phone"],
        "address": patient["address_line"],
        "city": patient["city"],
        "state": patient["state"],
        "zip": patient["zip"],
        "updated": f"{mmddyyyy(updated)} {updated[11:16]}",
    }


class ChartWindow(LegacyWindow):
    """One patient's chart; `refresh()` rereads everything from the database."""

    def __init__(self, context: Context, store: ClinicalStore, patient_id: int, actions: ChartActions) -> None:
        patient = store.patient(patient_id)
        title = f"{CHART_TITLE} - {patient['last_name'].upper()}, {patient['first_name'].upper()}"
        super().__init__(context, title, "chart", icon="problem")
        self.store, self.patient_id, self.actions = store, patient_id, actions
        self.lab_page = 0
        self.banner = tk.Frame(self.body, background="#fffff0", borderwidth=1, relief="sunken", padx=8, pady=4)
        self.banner.pack(fill="x", padx=6, pady=(6, 4))
        self.notebook = ttk.Notebook(self.body)
        self.notebook.pack(fill="both", expand=True, padx=6, pady=(0, 6))
        self.tabs: dict[str, tk.Frame] = {}
        for key in ("demographics", "vitals", "allergies", "medications", "problems", "labs"):
            frame = tk.Frame(self.notebook, padx=8, pady=8)
            self.notebook.add(frame, text=context.look.label(f"tab_{key}"))
            self.tabs[key] = frame
        self.refresh()

    def refresh(self) -> None:
        patient = self.store.patient(self.patient_id)
        self._fill_banner(patient)
        self._fill_demographics(patient)
        self._fill_vitals()
        self._fill_allergies()
        self._fill_medications()
        self._fill_problems()
        self._fill_labs()

    def select_tab(self, key: str) -> None:
        self.notebook.select(self.tabs[key])  # type: ignore[no-untyped-call]

    @staticmethod
    def _clear(frame: tk.Frame) -> None:
        for child in frame.winfo_children():
            child.destroy()

    def _fill_banner(self, patient: Row) -> None:
        self._clear(self.banner)
        look = self.context.look
        name = f"{patient['last_name'].upper()}, {patient['first_name'].upper()} {patient['middle_name']}".strip()
        tk.Label(self.banner, text=name, font=look.font("bold", 2), background="#fffff0").pack(side="left")
        details = f"{look.label('dob')} {mmddyyyy(patient['dob'])}    {look.label('sex')} {patient['sex']}"
        details += f"    {look.label('mrn')} {patient['mrn']}"
        tk.Label(self.banner, text=details, background="#fffff0").pack(side="left", padx=(24, 0))

    def _fill_demographics(self, patient: Row) -> None:
        frame = self.tabs["demographics"]
        self._clear(frame)
        look = self.context.look
        values = demographic_values(patient)
        order = DEMOGRAPHICS_V1 if look.ui_version == 1 else DEMOGRAPHICS_V2
        columns = 1 if look.ui_version == 1 else 2
        rows = -(-len(order) // columns)
        for index, key in enumerate(order):
            row, column = index % rows, (index // rows) * 2
            tk.Label(frame, text=look.label(key), anchor="w").grid(
                row=row, column=column, sticky="w", padx=(0, 8), pady=2
            )
            tk.Label(
                frame, text=values[key], anchor="w", width=34, relief="sunken", borderwidth=1, background="#ffffff"
            ).grid(row=row, column=column + 1, sticky="w", pady=2, padx=(0, 16))
        tk.Button(frame, text="Edit...", width=10, command=self.context.action(self.actions.edit_demographics)).grid(
            row=rows, column=0, sticky="w", pady=(10, 0)
        )

    def _grid(
        self, frame: tk.Frame, columns: list[tuple[str, int]], rows: Sequence[Sequence[Any]], height: int
    ) -> None:
        look = self.context.look
        character = look.font_size * look.scaling * 0.62
        holder = tk.Frame(frame)
        holder.pack(fill="both", expand=True)
        tree = ttk.Treeview(holder, columns=[str(i) for i in range(len(columns))], show="headings", height=height)
        for index, (heading, chars) in enumerate(columns):
            tree.heading(str(index), text=heading, anchor="w")
            tree.column(str(index), width=int(chars * character) + 10, anchor="w", stretch=False)
        for values in rows:
            tree.insert("", "end", values=list(values))
        scrollbar = ttk.Scrollbar(holder, orient="vertical", command=tree.yview)
        tree.configure(yscrollcommand=scrollbar.set)
        tree.pack(side="left", fill="both", expand=True)
        scrollbar.pack(side="left", fill="y")

    def _add_button(self, frame: tk.Frame, text: str, command: Callable[[], None]) -> None:
        tk.Button(frame, text=text, width=14, command=self.context.action(command)).pack(anchor="w", pady=(8, 0))

    def _fill_vitals(self) -> None:
        frame = self.tabs["vitals"]
        self._clear(frame)
        columns = [("Date", 10), ("Time", 6), ("Wt (lb)", 7), ("Ht (in)", 7), ("BP", 7), ("Temp (°F)", 9)]
        columns += [("Pulse", 6), ("SpO2", 5), ("Comment", 18), ("By", 7)]
        rows = [
            (
                mmddyyyy(v["taken_date"]),
                v["taken_time"],
                _number(v["weight_lb"]),
                _number(v["height_in"]),
                v["bp"],
                _number(v["temp_f"]),
                _number(v["pulse"]),
                _number(v["spo2"]),
                v["comment"],
                v["entered_by"],
            )
            for v in self.store.vitals(self.patient_id)
        ]
        self._grid(frame, columns, rows, 13)
        self._add_button(frame, "Add Vitals...", self.actions.add_vitals)

    def _fill_allergies(self) -> None:
        frame = self.tabs["allergies"]
        self._clear(frame)
        columns = [("Allergen", 30), ("Reaction", 22), ("Severity", 10), ("Recorded", 10)]
        rows = [
            (a["allergen"], a["reaction"], a["severity"], mmddyyyy(a["recorded_date"]))
            for a in self.store.allergies(self.patient_id)
        ]
        self._grid(frame, columns, rows, 13)
        self._add_button(frame, "Add Allergy...", self.actions.add_allergy)

    def _fill_medications(self) -> None:
        frame = self.tabs["medications"]
        self._clear(frame)
        columns = [("Medication", 20), ("Dose", 10), ("Sig", 28), ("Start", 10), ("Status", 12), ("Prescriber", 16)]
        rows = [
            (m["drug_name"], m["dose"], m["sig"], mmddyyyy(m["start_date"]), m["status"], m["prescriber"])
            for m in self.store.medications(self.patient_id)
        ]
        self._grid(frame, columns, rows, 15)

    def _fill_problems(self) -> None:
        frame = self.tabs["problems"]
        self._clear(frame)
        columns = [("Description", 34), ("ICD-10", 8), ("Onset", 10), ("Status", 9), ("Recorded", 10)]
        rows = [
            (p["description"], p["icd10"], mmddyyyy(p["onset_date"]), p["status"], mmddyyyy(p["recorded_date"]))
            for p in self.store.problems(self.patient_id)
        ]
        self._grid(frame, columns, rows, 13)
        self._add_button(frame, "Add Problem...", self.actions.add_problem)

    def _fill_labs(self) -> None:
        frame = self.tabs["labs"]
        self._clear(frame)
        labs = self.store.labs(self.patient_id)
        pages = max(1, -(-len(labs) // LABS_PER_PAGE))
        self.lab_page = min(self.lab_page, pages - 1)
        shown = labs[self.lab_page * LABS_PER_PAGE : (self.lab_page + 1) * LABS_PER_PAGE]
        columns = [("Collected", 10), ("Test", 26), ("Value", 8), ("Unit", 10), ("Ref Range", 12), ("Flag", 5)]
        rows = [
            (
                mmddyyyy(lab["collected_date"]),
                lab["test_name"],
                lab["value"],
                lab["unit"],
                lab["ref_range"],
                lab["flag"],
            )
            for lab in shown
        ]
        self._grid(frame, columns, rows, LABS_PER_PAGE)
        pager = tk.Frame(frame)
        pager.pack(fill="x", pady=(8, 0))
        tk.Button(pager, text="< Prev", width=8, command=self.context.action(lambda: self._turn_lab_page(-1))).pack(
            side="left"
        )
        tk.Label(pager, text=f"Page {self.lab_page + 1} of {pages}").pack(side="left", padx=10)
        tk.Button(pager, text="Next >", width=8, command=self.context.action(lambda: self._turn_lab_page(1))).pack(
            side="left"
        )
        tk.Label(pager, text=f"{len(labs)} result(s)").pack(side="right")

    def _turn_lab_page(self, step: int) -> None:
        self.lab_page = max(0, self.lab_page + step)
        self._fill_labs()

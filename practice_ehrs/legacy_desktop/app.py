"""The desktop EHR application: signs the user in and wires windows, forms and the database together."""

from __future__ import annotations

import sys
import tkinter as tk
import traceback
from pathlib import Path
from types import TracebackType

from practice_ehrs.legacy_desktop import forms
from practice_ehrs.legacy_desktop.chart import ChartActions, ChartWindow
from practice_ehrs.legacy_desktop.knobs import Knobs
from practice_ehrs.legacy_desktop.login import LoginWindow
from practice_ehrs.legacy_desktop.look import Look
from practice_ehrs.legacy_desktop.main_window import MainCommands, MainWindow
from practice_ehrs.legacy_desktop.search import SearchWindow
from practice_ehrs.legacy_desktop.store import ClinicalStore
from practice_ehrs.legacy_desktop.validation import (
    validate_allergy,
    validate_contact,
    validate_problem,
    validate_registration,
    validate_vitals,
)
from practice_ehrs.legacy_desktop.window import Context, show_error, show_message


class DesktopEhrApp:
    """One running desktop EHR on the current X display, over its own SQLite database."""

    def __init__(self, database: Path, knobs: Knobs) -> None:
        self.root = tk.Tk(className="CareDesk")
        self.root.withdraw()
        self.root.report_callback_exception = self._report_unexpected
        look = Look(knobs.ui_version)
        look.apply(self.root)
        self.context = Context(root=self.root, look=look, knobs=knobs)
        self.store = ClinicalStore(database)
        self.username = ""
        self.login_window: LoginWindow | None = None
        self.main_window: MainWindow | None = None
        self.chart: ChartWindow | None = None

    def run(self) -> None:
        self.show_login()
        self.root.mainloop()
        self.store.close()

    def _report_unexpected(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        traceback.print_exception(kind, error, trace, file=sys.stderr)
        show_error(self.context, None, "The operation could not be completed. Please try again.")

    def show_login(self) -> None:
        self.login_window = LoginWindow(self.context, on_login=self.login, on_cancel=self.exit)
        self.login_window.show()

    def login(self, username: str, password: str) -> None:
        display_name = self.store.authenticate(username, password)
        if display_name is None:
            if self.login_window is not None:
                self.login_window.clear_password()
            show_error(self.context, None, "Invalid user name or password.")
            return
        self.username = username
        if self.login_window is not None:
            self.login_window.destroy()
            self.login_window = None
        self.main_window = MainWindow(self.context, self._main_commands(), display_name)
        self.main_window.show()

    def _main_commands(self) -> MainCommands:
        return MainCommands(
            log_off=self.log_off,
            exit=self.exit,
            search=self.open_search,
            register=self.register,
            edit_demographics=self.edit_demographics,
            add_vitals=self.add_vitals,
            add_allergy=self.add_allergy,
            add_problem=self.add_problem,
            refresh=self.refresh,
            close_chart=self.close_chart,
            about=self.about,
        )

    def set_status(self, text: str) -> None:
        if self.main_window is not None:
            self.main_window.set_status(text)

    def log_off(self) -> None:
        self.close_chart()
        if self.main_window is not None:
            self.main_window.destroy()
            self.main_window = None
        self.username = ""
        self.show_login()

    def exit(self) -> None:
        self.root.quit()

    def open_search(self) -> None:
        SearchWindow(self.context, self.store.search_patients, self.open_chart).show()

    def open_chart(self, patient_id: int) -> None:
        self.close_chart()
        actions = ChartActions(
            edit_demographics=self.edit_demographics,
            add_vitals=self.add_vitals,
            add_allergy=self.add_allergy,
            add_problem=self.add_problem,
        )
        self.chart = ChartWindow(self.context, self.store, patient_id, actions)
        self.chart.show()
        self.set_status("Ready")

    def close_chart(self) -> None:
        if self.chart is not None and self.chart.winfo_exists():
            self.chart.destroy()
        self.chart = None

    def refresh(self) -> None:
        if self.chart is not None:
            self.chart.refresh()
        self.set_status("Ready")

    def _chart_or_error(self) -> ChartWindow | None:
        if self.chart is None or not self.chart.winfo_exists():
            show_error(self.context, None, "Open a patient chart first (Patient > Search).")
            return None
        return self.chart

    def _after_save(self, chart: ChartWindow, tab: str) -> None:
        if chart.winfo_exists():
            chart.refresh()
            chart.select_tab(tab)
        self.set_status("Saved")

    def add_vitals(self) -> None:
        chart = self._chart_or_error()
        if chart is None:
            return

        def save(values: dict[str, str]) -> str:
            self.store.add_vitals(chart.patient_id, validate_vitals(values), self.username)
            return "Vitals saved."

        fields = forms.vitals_fields(self.context.look)
        forms.FormWindow(
            self.context, "Vitals Entry", fields, save, lambda: self._after_save(chart, "vitals"), "vitals"
        ).show()

    def add_allergy(self) -> None:
        chart = self._chart_or_error()
        if chart is None:
            return

        def save(values: dict[str, str]) -> str:
            self.store.add_allergy(chart.patient_id, validate_allergy(values))
            return "Allergy saved."

        fields = forms.allergy_fields(self.context.look)
        on_saved = lambda: self._after_save(chart, "allergies")  # noqa: E731
        forms.FormWindow(self.context, "Allergy Entry", fields, save, on_saved, "allergy").show()

    def add_problem(self) -> None:
        chart = self._chart_or_error()
        if chart is None:
            return

        def save(values: dict[str, str]) -> str:
            self.store.add_problem(chart.patient_id, validate_problem(values))
            return "Problem saved."

        fields = forms.problem_fields(self.context.look)
        on_saved = lambda: self._after_save(chart, "problems")  # noqa: E731
        forms.FormWindow(self.context, "Problem Entry", fields, save, on_saved, "problem").show()

    def edit_demographics(self) -> None:
        chart = self._chart_or_error()
        if chart is None:
            return

        def save(values: dict[str, str]) -> str:
            self.store.update_contact(chart.patient_id, validate_contact(values))
            return "Demographics saved."

        fields = forms.contact_fields(self.context.look, self.store.patient(chart.patient_id))
        on_saved = lambda: self._after_save(chart, "demographics")  # noqa: E731
        forms.FormWindow(self.context, "Edit Demographics", fields, save, on_saved, "edit").show()

    def register(self) -> None:
        registered: list[int] = []

        def save(values: dict[str, str]) -> str:
            patient = self.store.register_patient(validate_registration(values))
            registered.append(int(patient["id"]))
            return f"Patient registered. MRN {patient['mrn']} assigned."

        def on_saved() -> None:
            self.set_status("Saved")
            self.open_chart(registered[0])

        fields = forms.registration_fields(self.context.look)
        forms.FormWindow(self.context, "Register Patient", fields, save, on_saved, "register").show()

    def about(self) -> None:
        look = self.context.look
        text = f"{look.label('app')}\n{look.label('version')}\n\nPractice software for RetroFHIR. Synthetic data only."
        show_message(self.context, None, "About CareDesk", text)

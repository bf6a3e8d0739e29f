"""The main window: menu bar (File, Patient, Chart, Help), a toolbar of icon-only buttons and a status bar."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass

from practice_ehrs.legacy_desktop.look import SHADOW
from practice_ehrs.legacy_desktop.window import Context, LegacyWindow

MAIN_TITLE = "CareDesk Clinical Workstation"
Command = Callable[[], None]


@dataclass(frozen=True)
class MainCommands:
    """Everything the main window's menus and toolbar can do; the application supplies the functions."""

    log_off: Command
    exit: Command
    search: Command
    register: Command
    edit_demographics: Command
    add_vitals: Command
    add_allergy: Command
    add_problem: Command
    refresh: Command
    close_chart: Command
    about: Command


class MainWindow(LegacyWindow):
    """The application frame; charts open over its grey work area."""

    def __init__(self, context: Context, commands: MainCommands, user_display_name: str) -> None:
        super().__init__(context, MAIN_TITLE, "main")
        self.commands = commands
        self._menus: list[tk.Menu] = []
        self._build_menu_bar()
        self._build_toolbar()
        self.status = tk.StringVar(self, value="Ready")
        bar = tk.Frame(self.body)
        bar.pack(side="bottom", fill="x")
        tk.Label(bar, textvariable=self.status, anchor="w", relief="sunken", borderwidth=1, padx=4).pack(
            side="left", fill="x", expand=True
        )
        tk.Label(
            bar, text=f"User: {user_display_name}", anchor="w", relief="sunken", borderwidth=1, padx=4, width=28
        ).pack(side="left")
        tk.Label(
            bar, text=context.look.label("version").split(" (")[0], relief="sunken", borderwidth=1, padx=4, width=14
        ).pack(side="left")
        tk.Frame(self.body, background=SHADOW, borderwidth=2, relief="sunken").pack(fill="both", expand=True)
        self.bind("<Control-f>", lambda _event: context.action(commands.search)())

    def _menu(self, bar: tk.Frame, title: str, items: list[tuple[str, Command | None]]) -> None:
        button = tk.Menubutton(bar, text=title, underline=0, padx=6, pady=1, relief="flat")
        menu = tk.Menu(button, tearoff=0)
        for label, command in items:
            if command is None:
                menu.add_separator()
            else:
                menu.add_command(label=label, command=self.context.action(command))
        button.configure(menu=menu)
        button.pack(side="left")
        self._menus.append(menu)

    def _build_menu_bar(self) -> None:
        c = self.commands
        bar = tk.Frame(self.body)
        bar.pack(side="top", fill="x")
        self._menu(bar, "File", [("Log Off", c.log_off), ("-", None), ("Exit", c.exit)])
        self._menu(
            bar,
            "Patient",
            [
                ("Search...          Ctrl+F", c.search),
                ("Register New Patient...", c.register),
                ("-", None),
                ("Edit Demographics...", c.edit_demographics),
            ],
        )
        self._menu(
            bar,
            "Chart",
            [
                ("Add Vitals...", c.add_vitals),
                ("Add Allergy...", c.add_allergy),
                ("Add Problem...", c.add_problem),
                ("-", None),
                ("Refresh", c.refresh),
                ("Close Chart", c.close_chart),
            ],
        )
        self._menu(bar, "Help", [("About CareDesk...", c.about)])

    def _build_toolbar(self) -> None:
        c = self.commands
        toolbar = tk.Frame(self.body, borderwidth=1, relief="raised", padx=2, pady=2)
        toolbar.pack(side="top", fill="x")
        groups: list[list[tuple[str, Command]]] = [
            [("search", c.search), ("register", c.register)],
            [
                ("edit", c.edit_demographics),
                ("vitals", c.add_vitals),
                ("allergy", c.add_allergy),
                ("problem", c.add_problem),
            ],
            [("refresh", c.refresh)],
            [("help", c.about), ("log_off", c.log_off)],
        ]
        for group_index, group in enumerate(groups):
            if group_index:
                tk.Frame(toolbar, width=2, height=24, borderwidth=1, relief="sunken").pack(
                    side="left", padx=4, fill="y"
                )
            for icon, command in group:
                tk.Button(
                    toolbar,
                    image=self.context.image(icon),
                    relief="raised",
                    borderwidth=1,
                    padx=2,
                    pady=2,
                    command=self.context.action(command),
                ).pack(side="left", padx=1)

    def set_status(self, text: str) -> None:
        self.status.set(text)

    def close(self) -> None:
        self.commands.exit()

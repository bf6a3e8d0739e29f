"""How the desktop EHR looks in each UI version: fonts, Tk scaling, colours, window positions and label texts.

UI version 2 is the "vendor upgrade": larger fonts and scaling, moved windows and fields, a few renamed labels.
"""

from __future__ import annotations

import tkinter as tk
from dataclasses import dataclass
from tkinter import font as tkfont
from tkinter import ttk

FACE = "#d4d0c8"
SHADOW = "#808080"
CAPTION_DARK = "#0a246a"
CAPTION_LIGHT = "#a6caf0"
WINDOW = "#ffffff"
SELECTION = "#0a246a"
FONT_FAMILY = "DejaVu Sans"
FIXED_FAMILY = "DejaVu Sans Mono"

LABELS_V1: dict[str, str] = {
    "app": "CareDesk Clinical Workstation",
    "version": "Version 4.2.1 (Build 1187)",
    "username": "User name:",
    "password": "Password:",
    "last_name": "Last Name:",
    "first_name": "First Name:",
    "middle_name": "Middle:",
    "dob": "DOB:",
    "sex": "Sex:",
    "mrn": "MRN:",
    "phone": "Phone:",
    "address": "Address:",
    "city": "City:",
    "state": "State:",
    "zip": "ZIP:",
    "updated": "Last Updated:",
    "search": "Search",
    "tab_demographics": "Demographics",
    "tab_vitals": "Vitals",
    "tab_allergies": "Allergies",
    "tab_medications": "Medications",
    "tab_problems": "Problems",
    "tab_labs": "Labs",
}
LABELS_V2: dict[str, str] = {
    **LABELS_V1,
    "version": "Version 5.0.3 (Build 2210)",
    "username": "User ID:",
    "last_name": "Surname:",
    "first_name": "Given Name:",
    "dob": "Birth Date:",
    "search": "Find",
    "tab_labs": "Lab Results",
}

# Window positions on the screen; no window sits at +0+0, where pyautogui's fail-safe corner is.
POSITIONS_V1: dict[str, tuple[int, int]] = {
    "login": (300, 220),
    "main": (40, 40),
    "chart": (56, 138),
    "search": (150, 150),
    "form": (220, 170),
    "message": (330, 300),
}
POSITIONS_V2: dict[str, tuple[int, int]] = {
    "login": (260, 180),
    "main": (24, 24),
    "chart": (40, 132),
    "search": (90, 110),
    "form": (160, 130),
    "message": (300, 280),
}
SIZES_V1: dict[str, tuple[int, int]] = {"main": (860, 620), "chart": (828, 500)}
SIZES_V2: dict[str, tuple[int, int]] = {"main": (960, 720), "chart": (928, 580)}


@dataclass(frozen=True)
class Look:
    """Fonts, scaling, labels and window geometry of one UI version."""

    ui_version: int

    @property
    def scaling(self) -> float:
        return 1.3333 if self.ui_version == 1 else 1.25

    @property
    def font_size(self) -> int:
        return 8 if self.ui_version == 1 else 10

    def label(self, key: str) -> str:
        return (LABELS_V1 if self.ui_version == 1 else LABELS_V2)[key]

    def geometry(self, window: str) -> str:
        x, y = (POSITIONS_V1 if self.ui_version == 1 else POSITIONS_V2)[window]
        sizes = SIZES_V1 if self.ui_version == 1 else SIZES_V2
        if window in sizes:
            width, height = sizes[window]
            return f"{width}x{height}+{x}+{y}"
        return f"+{x}+{y}"

    def font(self, weight: str = "normal", size_delta: int = 0, fixed: bool = False) -> tuple[str, int, str]:
        return (FIXED_FAMILY if fixed else FONT_FAMILY, self.font_size + size_delta, weight)

    def apply(self, root: tk.Tk) -> None:
        """Set Tk scaling, the named fonts, widget defaults and the ttk style for this version."""
        root.tk.call("tk", "scaling", self.scaling)
        for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont", "TkTooltipFont"):
            tkfont.nametofont(name).configure(family=FONT_FAMILY, size=self.font_size, weight="normal")
        tkfont.nametofont("TkFixedFont").configure(family=FIXED_FAMILY, size=self.font_size)
        tkfont.nametofont("TkCaptionFont").configure(family=FONT_FAMILY, size=self.font_size, weight="bold")
        tkfont.nametofont("TkSmallCaptionFont").configure(family=FONT_FAMILY, size=self.font_size, weight="bold")
        root.option_add("*Font", "TkDefaultFont")
        root.option_add("*Background", FACE)
        root.option_add("*HighlightBackground", FACE)
        root.option_add("*Entry.Background", WINDOW)
        root.option_add("*Listbox.Background", WINDOW)
        root.option_add("*Entry.Relief", "sunken")
        root.option_add("*Entry.BorderWidth", 2)
        root.option_add("*Entry.HighlightThickness", 0)
        root.option_add("*Button.BorderWidth", 2)
        # Windows 2000 buttons do not light up under the pointer, so hovering never changes what a bot sees.
        root.option_add("*Button.activeBackground", FACE)
        root.option_add("*Button.activeForeground", "#000000")
        root.option_add("*selectBackground", SELECTION)
        root.option_add("*selectForeground", WINDOW)
        for widget in ("Menu", "Menubutton"):
            root.option_add(f"*{widget}.activeBackground", SELECTION)
            root.option_add(f"*{widget}.activeForeground", WINDOW)
        root.option_add("*Menu.activeBorderWidth", 0)
        root.option_add("*Menu.relief", "raised")
        root.option_add("*Menu.tearOff", 0)
        style = ttk.Style(root)
        style.theme_use("default")
        style.configure(".", background=FACE, font="TkDefaultFont")
        style.configure("Treeview", background=WINDOW, fieldbackground=WINDOW, rowheight=self.font_size * 2 + 3)
        style.configure("Treeview.Heading", background=FACE, relief="raised", padding=(3, 1))
        style.map("Treeview", background=[("selected", SELECTION)], foreground=[("selected", WINDOW)])
        style.configure("TNotebook", background=FACE, tabmargins=(2, 4, 2, 0))
        style.configure("TNotebook.Tab", background=FACE, padding=(8, 2))
        style.map("TNotebook.Tab", background=[("selected", FACE)], expand=[("selected", (2, 2, 2, 0))])
        style.configure("TCombobox", fieldbackground=WINDOW, background=FACE)

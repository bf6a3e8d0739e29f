"""The desktop EHR's login dialog: user name, password, OK and Cancel."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

from practice_ehrs.legacy_desktop.icons import icon_photo
from practice_ehrs.legacy_desktop.window import Context, LegacyWindow

LOGIN_TITLE = "CareDesk - Login"


class LoginWindow(LegacyWindow):
    """Asks for credentials; `on_login(username, password)` decides, `on_cancel` ends the program."""

    def __init__(self, context: Context, on_login: Callable[[str, str], None], on_cancel: Callable[[], None]) -> None:
        super().__init__(context, LOGIN_TITLE, "login")
        self.on_login, self.on_cancel = on_login, on_cancel
        look = context.look
        frame = tk.Frame(self.body, padx=16, pady=14)
        frame.pack(fill="both", expand=True)
        self.logo = icon_photo(self, "application", scale=2)
        tk.Label(frame, image=self.logo).grid(row=0, column=0, rowspan=3, sticky="n", padx=(0, 14))
        tk.Label(frame, text=look.label("app"), font=look.font("bold", 2)).grid(
            row=0, column=1, columnspan=2, sticky="w", pady=(0, 10)
        )
        self.username = tk.StringVar(self)
        self.password = tk.StringVar(self)
        tk.Label(frame, text=look.label("username")).grid(row=1, column=1, sticky="w", pady=3)
        tk.Entry(frame, textvariable=self.username, width=22).grid(row=1, column=2, sticky="w", pady=3)
        tk.Label(frame, text=look.label("password")).grid(row=2, column=1, sticky="w", pady=3)
        tk.Entry(frame, textvariable=self.password, width=22, show="*").grid(row=2, column=2, sticky="w", pady=3)
        buttons = tk.Frame(frame)
        buttons.grid(row=3, column=1, columnspan=2, sticky="e", pady=(12, 0))
        tk.Button(buttons, text="OK", width=9, default="active", command=context.action(self.submit)).pack(
            side="left", padx=(0, 6)
        )
        tk.Button(buttons, text="Cancel", width=9, command=context.action(self.close)).pack(side="left")
        tk.Label(frame, text=look.label("version"), foreground="#404040").grid(
            row=4, column=0, columnspan=3, sticky="w", pady=(12, 0)
        )
        self.bind("<Return>", lambda _event: context.action(self.submit)())

    def submit(self) -> None:
        self.on_login(self.username.get(), self.password.get())

    def clear_password(self) -> None:
        self.password.set("")

    def close(self) -> None:
        self.on_cancel()

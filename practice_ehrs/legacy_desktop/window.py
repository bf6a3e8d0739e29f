"""Window chrome of the desktop EHR: a drawn Windows-2000 caption bar, delayed appearance and modal dialogs.

No window manager runs under Xvfb, so each window draws its own title bar; the X window name (WM_NAME) is the
same title, which is what `xdotool search --name` finds.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, ParamSpec, TypeVar

from practice_ehrs.legacy_desktop.icons import icon_photo
from practice_ehrs.legacy_desktop.knobs import Knobs
from practice_ehrs.legacy_desktop.look import CAPTION_DARK, CAPTION_LIGHT, FACE, SHADOW, WINDOW, Look

GRADIENT_STEPS = 48
P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Context:
    """What every window needs: the Tk root, the look of this UI version and the fault knobs."""

    root: tk.Tk
    look: Look
    knobs: Knobs
    images: dict[str, tk.PhotoImage] = field(default_factory=dict)

    def image(self, name: str) -> tk.PhotoImage:
        if name not in self.images:
            self.images[name] = icon_photo(self.root, name)
        return self.images[name]

    def action(self, handler: Callable[P, R]) -> Callable[P, R]:
        """Wrap a user action (button, menu item, key) so that the crash knob may end the process first."""

        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            self.knobs.maybe_crash()
            return handler(*args, **kwargs)

        return run


def _blend(fraction: float) -> str:
    start = tuple(int(CAPTION_DARK[i : i + 2], 16) for i in (1, 3, 5))
    end = tuple(int(CAPTION_LIGHT[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(a + (b - a) * fraction):02x}" for a, b in zip(start, end, strict=True))


class Caption(tk.Canvas):
    """A title bar with a gradient, an icon, the title and a close box that acts like the window's Cancel."""

    def __init__(self, window: LegacyWindow, title: str, icon: tk.PhotoImage) -> None:
        height = window.context.look.font_size * 2 + 5
        super().__init__(window, height=height, highlightthickness=0, borderwidth=0, background=CAPTION_DARK)
        self.window, self.title, self.icon, self.height = window, title, icon, height
        self.bind("<Configure>", self._draw)

    def _draw(self, event: tk.Event[tk.Canvas]) -> None:
        self.delete("all")
        width = event.width
        step = width / GRADIENT_STEPS
        for index in range(GRADIENT_STEPS):
            self.create_rectangle(
                index * step, 0, (index + 1) * step + 1, self.height, width=0, fill=_blend(index / GRADIENT_STEPS)
            )
        self.create_image(3, self.height // 2, image=self.icon, anchor="w")
        font = self.window.context.look.font(weight="bold")
        self.create_text(26, self.height // 2, text=self.title, anchor="w", fill=WINDOW, font=font)
        size = self.height - 5
        left = width - size - 3
        self.create_rectangle(left, 2, left + size, 2 + size, fill=FACE, outline=SHADOW, tags=("close",))
        self.create_text(left + size / 2, 2 + size / 2, text="×", font=font, tags=("close",))
        self.tag_bind("close", "<ButtonRelease-1>", lambda _event: self.window.close())


class LegacyWindow(tk.Toplevel):
    """A top-level window placed at a fixed position, shown after the latency knob, optionally modal."""

    def __init__(
        self,
        context: Context,
        title: str,
        place: str,
        modal: bool = False,
        icon: str = "application",
    ) -> None:
        super().__init__(context.root, borderwidth=2, relief="raised", background=FACE)
        self.withdraw()
        self.context = context
        self.modal = modal
        self.title(title)
        self.geometry(context.look.geometry(place))
        self.resizable(False, False)
        self.protocol("WM_DELETE_WINDOW", self.close)
        Caption(self, title, context.image(icon)).pack(side="top", fill="x")
        self.body = tk.Frame(self, background=FACE)
        self.body.pack(side="top", fill="both", expand=True)
        self.bind("<Map>", self._on_map, add="+")

    def show(self) -> None:
        """Map the window once the configured latency has passed."""
        self.after(self.context.knobs.latency_ms, self._reveal)

    def _reveal(self) -> None:
        if self.winfo_exists():
            self.deiconify()
            self.lift()

    def _on_map(self, event: tk.Event[tk.Misc]) -> None:
        if event.widget is self and self.modal:
            self.grab_set()

    def regrab(self) -> None:
        """Take the modal grab back after a message box over this window has closed."""
        if self.modal and self.winfo_exists() and self.winfo_viewable():
            self.grab_set()

    def close(self) -> None:
        self.destroy()


class MessageDialog(LegacyWindow):
    """A modal message box with an icon, a message and an OK button (Enter, Escape or a click closes it)."""

    def __init__(self, context: Context, title: str, message: str, kind: Literal["information", "error"]) -> None:
        super().__init__(context, title, "message", modal=True, icon=kind)
        frame = tk.Frame(self.body, padx=14, pady=12)
        frame.pack(fill="both", expand=True)
        image = context.image(kind)
        tk.Label(frame, image=image).grid(row=0, column=0, sticky="n", padx=(0, 12))
        tk.Label(frame, text=message, justify="left", wraplength=context.look.font_size * 40).grid(
            row=0, column=1, sticky="w"
        )
        ok = tk.Button(frame, text="OK", width=10, command=self.close, default="active")
        ok.grid(row=1, column=0, columnspan=2, pady=(14, 0))
        for key in ("<Return>", "<KP_Enter>", "<Escape>", "<space>"):
            self.bind(key, lambda _event: self.close())


def show_message(
    context: Context,
    owner: LegacyWindow | None,
    title: str,
    message: str,
    kind: Literal["information", "error"] = "information",
) -> None:
    """Show a modal message box and wait until it is dismissed; the owner gets its modal grab back."""
    dialog = MessageDialog(context, title, message, kind)
    dialog.show()
    dialog.wait_window()
    if owner is not None and owner.winfo_exists():
        owner.regrab()


def show_error(context: Context, owner: LegacyWindow | None, message: str) -> None:
    show_message(context, owner, "Error", message, kind="error")


def show_saved(context: Context, owner: LegacyWindow | None, message: str = "Record saved.") -> None:
    show_message(context, owner, "Saved", message, kind="information")

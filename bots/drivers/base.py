"""The one Driver protocol every way of operating a legacy UI implements: a web browser or a desktop's pixels.

The engine only ever talks to a `Driver`. Everything here must be possible for a driver that sees nothing but a
screenshot and can only move the mouse and press keys:

- `signals()`: what identifies the current screen. A web driver knows the URL and title; a desktop driver knows
  the window title and leaves `url` None. `loading` says the UI is visibly busy (a page still loading).
- `has_text(text)`: whether a text is visible (web: the DOM; desktop: OCR of the window).
- `find_all(locator, within)`: every element one locator matches (web kinds or desktop kinds; a driver raises
  `ConfigurationError` for kinds it cannot handle). `bots.locators.locate` ranks fallbacks on top of this.
  A driver may fill each `Element.text` with what `read(element, "auto")` would return at that moment; the engine
  uses that snapshot only right after finding the element (an OCR driver reports confidence through `read`).
- `read(element, how)`: the text of an element (`how` is a field's `read`: auto, text, value, attribute:NAME;
  desktop drivers treat everything as `text` and report OCR confidence).
- `type_text(element, text, multiline)`: enter text LITERALLY, replacing what the field held. Callers have already
  checked `bots.literal_text.check_literal`; a driver must still never let a character act as a key.
- `click(element, dialog)`: click; if `dialog` is given, the confirm dialog the click raises is answered so.
- `select_option(element, label)` and `set_checked(element, checked)`: choose in a list, tick a box.
- `press_key(element, key)`: press a named key or chord (`bots.map_models.key_chord`'s allow-list; a driver checks
  it again and never sends anything else), after focusing `element` when one is given.
- `screenshot()`: PNG bytes of what the user would see, for the audit trail.

Optional capabilities (checked with isinstance; the engine falls back to the calls above without them):
`ScreenProber` takes signals and checks recognition texts and elements in one look; `bots.locators.BatchFinder`
matches the locators of many fields, or of a table's rows and columns, in one call.

Sessions: `start(state)` opens one session (a browser context, an application window) optionally restoring saved
login state; `saved_state()` returns state worth reusing (web: cookies) or None; `stop()` closes it and never
raises. All waits inside a driver are bounded by the timeouts it was built with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from bots.locators import Element, Locator

DialogAnswer = Literal["accept", "dismiss"]


@dataclass(frozen=True)
class ScreenSignals:
    """What a driver can tell about the current screen without looking for anything in particular."""

    url: str | None
    title: str | None
    loading: bool = False
    http_status: int | None = None


@dataclass(frozen=True)
class FieldText:
    """A value read from the screen; `confidence` is OCR's (0-100) and None when the text came from the DOM."""

    text: str
    confidence: float | None = None


@dataclass(frozen=True)
class ScreenProbe:
    """Signals plus what a driver checked in the same look: texts shown and locators' match counts.

    A text or locator missing from these maps was not checked; the caller asks the driver about it on its own.
    """

    signals: ScreenSignals
    texts: Mapping[str, bool] = field(default_factory=dict)
    counts: Mapping[Locator, int] = field(default_factory=dict)


@runtime_checkable
class ScreenProber(Protocol):
    """A driver that can take a screen's signals and check many recognition texts and elements in one look."""

    def current_url(self) -> str | None:
        """The address shown now, known without asking the UI (None when the driver has no addresses)."""
        ...

    async def probe(self, texts: Sequence[str], locators: Sequence[Locator]) -> ScreenProbe: ...


@runtime_checkable
class Driver(Protocol):
    """One session of operating a legacy UI."""

    kind: str

    async def start(self, state: dict[str, Any] | None = None) -> None: ...

    async def stop(self) -> None: ...

    async def saved_state(self) -> dict[str, Any] | None: ...

    async def goto(self, address: str) -> None: ...

    async def go_back(self) -> None: ...

    async def signals(self) -> ScreenSignals: ...

    async def has_text(self, text: str) -> bool: ...

    async def find_all(self, locator: Locator, within: Element | None = None) -> list[Element]: ...

    async def read(self, element: Element, how: str = "auto") -> FieldText: ...

    async def type_text(self, element: Element, text: str, *, multiline: bool = False) -> None: ...

    async def click(self, element: Element, *, dialog: DialogAnswer | None = None) -> None: ...

    async def select_option(self, element: Element, label: str) -> None: ...

    async def set_checked(self, element: Element, checked: bool) -> None: ...

    async def press_key(self, element: Element | None, key: str) -> None: ...

    async def screenshot(self) -> bytes: ...

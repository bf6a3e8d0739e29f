"""Split a recording into the screens the author worked on, in order, each with the actions done on it.

A web screen is identified by the frame an action happened in and that frame's URL path, with numeric path
segments generalised (`/chart/1/problems` and `/chart/7/problems` are one screen) and with or without a query
(`/search` is the form, `/search?...` its results). A desktop screen is identified by its window title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bots.locators import FrameRef
from recordings.actions import RecordedAction, element_name

USER_KINDS = frozenset({"click", "fill", "select", "check", "press", "field"})


@dataclass(frozen=True)
class ScreenKey:
    """What makes two actions happen on the same screen."""

    frame: FrameRef | None
    path_pattern: str
    has_query: bool
    title: str | None = None


@dataclass
class ScreenVisit:
    """One stretch of consecutive actions on one screen; `top_url` is the browser's address at the time."""

    key: ScreenKey
    name: str
    url: str | None
    top_url: str | None
    actions: list[RecordedAction] = field(default_factory=list)


def path_pattern(url: str) -> tuple[str, bool]:
    """A regular expression for a URL's path (numeric segments generalised) and whether it had a query."""
    parts = urlsplit(url)
    segments = [r"\d+" if segment.isdigit() else re.escape(segment) for segment in parts.path.split("/")]
    return "/".join(segments) or "/", bool(parts.query)


def base_name(url: str | None, title: str | None) -> str:
    """A readable screen name from the last meaningful path segment (or the title)."""
    words = [segment for segment in urlsplit(url or "").path.split("/") if segment and not segment.isdigit()]
    text = words[-1] if words else _title_words(title or "home")
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "home"
    return name if name[0].isalpha() else f"screen_{name}"


def _title_words(title: str) -> str:
    prefix, separator, rest = title.partition(" - ")
    if not separator:
        return title
    return prefix if re.search(r"[,\d]", rest) else rest


def title_pattern(title: str | None) -> str:
    """A window title as a regular expression; a data-like part after " - " (a name, a number) is generalised."""
    text = title or ""
    prefix, separator, rest = text.partition(" - ")
    if separator and re.search(r"[,\d]", rest):
        return f"^{re.escape(prefix + separator)}"
    return f"^{re.escape(text)}$"


def screen_key(action: RecordedAction, desktop: bool) -> ScreenKey:
    if desktop:
        return ScreenKey(frame=None, path_pattern="", has_query=False, title=title_pattern(action.title))
    pattern, has_query = path_pattern(action.url or "")
    return ScreenKey(frame=action.frame, path_pattern=pattern, has_query=has_query)


class _Namer:
    def __init__(self) -> None:
        self.names: dict[ScreenKey, str] = {}

    def name(self, key: ScreenKey, url: str | None, title: str | None) -> str:
        if key in self.names:
            return self.names[key]
        name = base_name(url, title)
        if key.has_query:
            name = f"{name}_results"
        taken = set(self.names.values())
        candidate, number = name, 2
        while candidate in taken:
            candidate, number = f"{name}_{number}", number + 1
        self.names[key] = candidate
        return candidate


def unique_names(visits: list[ScreenVisit]) -> list[ScreenVisit]:
    """Visits whose elements have one name each per screen: two elements never share one, one never has two."""
    taken: dict[tuple[str, str], str] = {}
    used: dict[str, set[str]] = {}
    renamed: list[ScreenVisit] = []
    for visit in visits:
        actions = []
        for action in visit.actions:
            element = action.element
            if element is None:
                actions.append(action)
                continue
            identity = element.candidates[0].describe() if element.candidates else str(action.index)
            name = taken.get((visit.name, identity))
            if name is None:
                base = element_name(action)
                name, number = base, 2
                while name in used.setdefault(visit.name, set()):
                    name, number = f"{base}_{number}", number + 1
                used[visit.name].add(name)
                taken[(visit.name, identity)] = name
            update: dict[str, object] = {"element": element.model_copy(update={"suggested_name": name})}
            if action.field_name:
                update["field_name"] = name
            actions.append(action.model_copy(update=update))
        renamed.append(ScreenVisit(visit.key, visit.name, visit.url, visit.top_url, actions))
    return renamed


def screen_visits(actions: list[RecordedAction], desktop: bool = False) -> list[ScreenVisit]:
    """The screens in the order the author visited them; a dialog's acceptance stays with its click."""
    visits: list[ScreenVisit] = []
    namer = _Namer()
    top_url: str | None = None
    for action in actions:
        if action.kind in ("goto", "navigate") and action.frame is None:
            top_url = action.url
        if action.kind == "dialog" and visits:
            visits[-1].actions.append(action)
            continue
        if action.kind not in USER_KINDS:
            continue
        key = screen_key(action, desktop)
        if not visits or visits[-1].key != key:
            visits.append(ScreenVisit(key, namer.name(key, action.url, action.title), action.url, top_url))
        visits[-1].actions.append(action)
    return visits

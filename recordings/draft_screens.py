"""Draft the `screens` section: recognition signals and ranked locators for every element the author touched.

Locators keep the recorder's ranking (Playwright's: test id, role+name, label, placeholder, text, CSS, XPath) with
two corrections for what a recording cannot know by itself: a value the author READ is data, so a text locator
equal to it is dropped; and an element in a grid's data row is found by its column header in the first row, not
by its (data) text. Marked grid cells become a table whose columns are found by header, then by position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bots.drivers.web_locating import cell_xpath
from bots.locators import CellLocator, FrameRef
from recordings.actions import RecordedAction, element_name
from recordings.screens_seen import ScreenVisit

TABLE_NAME = "rows"


@dataclass
class ScreenDraft:
    """One screen of the draft, filled in from every visit to it."""

    name: str
    recognize: dict[str, Any]
    kind: str = "page"
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def as_yaml_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.kind != "page":
            data["kind"] = self.kind
        data["recognize"] = self.recognize
        if self.fields:
            data["fields"] = self.fields
        if self.actions:
            data["actions"] = self.actions
        if self.columns:
            data["tables"] = {TABLE_NAME: {"rows": self.rows, "columns": self.columns}}
        return data


def _literal(text: str) -> str:
    return f"'{text}'" if "'" not in text else f'"{text}"'


def frame_data(frame: FrameRef | None) -> dict[str, Any] | None:
    return frame.model_dump(exclude_none=True) if frame is not None else None


def locator_data(locator: Any) -> dict[str, Any]:
    data: dict[str, Any] = locator.model_dump(exclude_none=True)
    if data.get("exact") is True:
        del data["exact"]
    return data


def recognition(visit: ScreenVisit, login_field: RecordedAction | None, desktop: bool = False) -> dict[str, Any]:
    """Signals that hold on this screen: the URL for a top-level page, the frame's URL for a page in a frame,
    the window title on a desktop."""
    key = visit.key
    if desktop:
        return {"title": key.title or ".*"}
    ending = r"\?" if key.has_query else "$"
    if key.frame is None:
        recognize: dict[str, Any] = {"url": f"^[a-z]+://[^/]+{key.path_pattern}{ending}"}
    else:
        path = urlsplit(visit.url or "").path
        segments = path.split("/")
        last_number = max((i for i, segment in enumerate(segments) if segment.isdigit()), default=0)
        literal = "/".join(segments[last_number + 1 :] if last_number else segments[1:])
        marker = f"/{literal}" + ("?" if key.has_query else "")
        recognize = {"elements": [{"kind": "css", "selector": "body", "frame": {"url": marker}}]}
    if login_field is not None and login_field.element is not None:
        css = [c for c in login_field.element.candidates if c.kind == "css"]
        if css:
            recognize.setdefault("elements", []).append(locator_data(css[0]))
    return recognize


def first_row_xpath(header: str, tag: str) -> str:
    """The element in the first data row under a column header (a grid's rows are data, its headers are not)."""
    descendant = None if tag in ("td", "th") else tag
    relative = cell_xpath(CellLocator(header=header, descendant=descendant))
    return f"(//tr{relative[1:]})[1]"


def ranked_locators(action: RecordedAction) -> list[dict[str, Any]]:
    """The action's candidates, best first, without data masquerading as structure."""
    element = action.element
    if element is None:
        return []
    value = (action.value or "").strip()
    kept = []
    for candidate in element.candidates:
        data = locator_data(candidate)
        is_data_text = (data["kind"] == "text" and data.get("text") == value) or (
            data["kind"] == "role" and element.in_data_row
        )
        if (action.kind == "field" and is_data_text) or (element.in_data_row and data["kind"] in ("text", "role")):
            continue
        kept.append(data)
    if element.in_data_row and element.column_header and action.kind != "field":
        first_row: dict[str, Any] = {"kind": "xpath", "expression": first_row_xpath(element.column_header, element.tag)}
        if action.frame is not None:
            first_row["frame"] = frame_data(action.frame)
        kept.insert(0, first_row)
    return kept


def input_kind(action: RecordedAction) -> str:
    element = action.element
    if action.kind == "field" and (element is None or element.tag not in ("input", "select", "textarea")):
        return "readonly"
    if element is not None and element.tag == "select":
        return "select"
    if element is not None and element.input_type in ("checkbox", "radio"):
        return "checkbox"
    if element is not None and element.tag == "textarea":
        return "multiline"
    return "text"


def rows_locator(header: str, frame: FrameRef | None) -> dict[str, Any]:
    table = f"ancestor::table[1][descendant::tr[1]/*[normalize-space(.)={_literal(header)}]]"
    rows: dict[str, Any] = {"kind": "xpath", "expression": f"//tr[td][preceding-sibling::tr][{table}]"}
    if frame is not None:
        rows["frame"] = frame_data(frame)
    return rows


def has_focus_target(action: RecordedAction) -> bool:
    """Whether a key press went to an element of its own (a field), not to the page or window as a whole."""
    return action.element is not None and action.element.tag not in ("body", "html", "frameset")


def add_action(screen: ScreenDraft, action: RecordedAction) -> None:
    """Put what the author touched on the screen: a field, a table column or a clickable action."""
    if action.kind == "press" and not has_focus_target(action):
        return
    name = element_name(action)
    element = action.element
    locators = ranked_locators(action) or [{"kind": "region", "x": 0, "y": 0, "width": 1, "height": 1}]
    if action.kind == "click":
        if name not in screen.fields:
            screen.actions.setdefault(name, {"locators": locators})
        return
    if action.kind == "field" and element is not None and element.in_data_row and element.column_header:
        column: list[dict[str, Any]] = [{"kind": "cell", "header": element.column_header}]
        if element.column_index is not None:
            column.append({"kind": "xpath", "expression": f"./td[{element.column_index}]"})
        screen.columns.setdefault(name, {"locators": column})
        if not screen.rows:
            screen.rows = [rows_locator(element.column_header, action.frame)]
        return
    entry: dict[str, Any] = {"locators": locators}
    kind = input_kind(action)
    if kind != "text":
        entry["input"] = kind
    if action.credential is not None:
        entry["secret"] = True
    screen.actions.pop(name, None)
    screen.fields.setdefault(name, entry)

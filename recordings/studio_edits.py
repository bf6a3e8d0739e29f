"""The mapping studio's edits to a screen map: bind a field, set a field's first locator, save after validating.

Every edit is applied to the YAML data and saved only if the whole map still loads with the real loader; a
refusal carries the loader's problems (file, line, where, what). Edits made through these forms rewrite the file's
formatting (comments are not kept); the text editor keeps the author's text as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bots.errors import ScreenMapError
from bots.map_loader import load_screen_map_text


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    problems: list[str]


def save_map_text(path: Path, text: str) -> SaveResult:
    """Write the map only if it loads; otherwise nothing is written and the problems say why."""
    try:
        load_screen_map_text(text, str(path), expected_id=path.stem)
    except ScreenMapError as error:
        return SaveResult(False, [str(problem) for problem in error.problems])
    path.write_text(text, encoding="utf-8")
    return SaveResult(True, [])


def parse_value_map(text: str) -> dict[str, str] | None:
    """`M=male, F=female` (or one pair a line) as a value map; empty text means none."""
    pairs = [part.strip() for chunk in text.splitlines() for part in chunk.split(",") if part.strip()]
    if not pairs:
        return None
    found: dict[str, str] = {}
    for pair in pairs:
        legacy, separator, fhir = pair.partition("=")
        if not separator:
            raise ValueError(f"{pair!r} is not legacy=fhir")
        found[legacy.strip()] = fhir.strip()
    return found


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a screen map")
    return data


def bind_field(
    path: Path, binding: str, resource: str, field: str, fhir_path: str, value_map: dict[str, str] | None
) -> SaveResult:
    """Add (or replace) the rule that sets `fhir_path` from `field` in `binding`, creating the binding if new."""
    data = _load(path)
    bindings = data.setdefault("bindings", {})
    entry = bindings.setdefault(binding, {"resource": resource, "id": f"{{{field}|slug}}", "rules": []})
    rule: dict[str, Any] = {"path": fhir_path, "field": field}
    if value_map:
        rule.update({"type": "code", "value_map": value_map})
    entry["rules"] = [r for r in entry["rules"] if r.get("path") != fhir_path] + [rule]
    return save_map_text(path, _dump(data))


def set_first_locator(path: Path, screen: str, field: str, locator: dict[str, Any]) -> SaveResult:
    """Put a locator first in a field's list (the field is created on the screen if it has none by that name)."""
    data = _load(path)
    screens = data.get("screens", {})
    if screen not in screens:
        return SaveResult(False, [f"{path}: the map has no screen {screen!r}"])
    fields = screens[screen].setdefault("fields", {})
    entry = fields.setdefault(field, {"locators": []})
    entry["locators"] = [locator, *[old for old in entry["locators"] if old != locator]]
    return save_map_text(path, _dump(data))

"""Element paths into FHIR JSON: `name[0].given[0]`, `component[code=8480-6].valueQuantity.value`.

`set_path` builds the nested dicts and lists a path needs (indices only). `get_all` reads every value a path
reaches; a list without an index means any item, and `[sub.path=value]` selects the items where `sub.path` has that
value (so a blood pressure's systolic component is found whatever its position).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SEGMENT = re.compile(r"^([A-Za-z][A-Za-z0-9]*)(?:\[(\d+)\]|\[([A-Za-z][A-Za-z0-9.]*)=([^\]]+)\])?$")


@dataclass(frozen=True)
class Segment:
    name: str
    index: int | None = None
    select_path: str | None = None
    select_value: str | None = None


def split_path(path: str) -> list[Segment]:
    segments = []
    depth = 0
    current = ""
    parts: list[str] = []
    for character in path:
        if character == "." and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"[": 1, "]": -1}.get(character, 0)
        current += character
    parts.append(current)
    for part in parts:
        match = SEGMENT.match(part)
        if match is None:
            raise ValueError(f"not an element path segment: {part!r}")
        name, index, select_path, select_value = match.groups()
        segments.append(Segment(name, int(index) if index is not None else None, select_path, select_value))
    return segments


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _selected(item: Any, segment: Segment) -> bool:
    return segment.select_path is not None and segment.select_value in [
        str(found) for found in get_all(item, segment.select_path)
    ]


def get_all(data: Any, path: str) -> list[Any]:
    """Every value `path` reaches in `data` (lists flattened)."""
    current = [data]
    for segment in split_path(path):
        following: list[Any] = []
        for item in current:
            if not isinstance(item, dict):
                continue
            values = _items(item.get(segment.name))
            if segment.index is not None:
                values = values[segment.index : segment.index + 1]
            elif segment.select_path is not None:
                values = [v for v in values if _selected(v, segment)]
            following.extend(values)
        current = following
    return current


def get_first(data: Any, path: str) -> Any:
    found = get_all(data, path)
    return found[0] if found else None


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set `path` in `data`, creating what is missing; list segments need an index."""
    segments = split_path(path)
    current: dict[str, Any] = data
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        if segment.select_path is not None:
            raise ValueError(f"cannot write through a selector: {path!r}")
        if segment.index is None:
            if last:
                current[segment.name] = value
                return
            current = current.setdefault(segment.name, {})
            continue
        items = current.setdefault(segment.name, [])
        while len(items) <= segment.index:
            items.append({})
        if last:
            items[segment.index] = value
            return
        current = items[segment.index]

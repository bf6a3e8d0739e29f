"""Load a screen map from YAML so that every mistake, structural or semantic, names its file and line.

PyYAML composes nodes (which keep their start marks); we build plain Python values from them while remembering
the line of every key and item, then map pydantic's error locations back to those lines. Timestamps stay strings:
a birth date in an example is text, not a `datetime.date`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bots.errors import MapProblem, ScreenMapError
from bots.map_checks import check_screen_map
from bots.screen_map import ScreenMap

Location = tuple[str | int, ...]


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: dates in maps stay as written."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class LineIndex:
    """The line (1-based) of each location in a composed document."""

    def __init__(self) -> None:
        self.lines: dict[Location, int] = {}

    def line_of(self, location: Location) -> int | None:
        """The line of the deepest known prefix; pydantic adds union tags we skip over."""
        best: int | None = self.lines.get(())
        known: Location = ()
        for part in location:
            candidate = (*known, part)
            if candidate in self.lines:
                known = candidate
                best = self.lines[candidate]
        return best


def _build(node: yaml.Node, loader: _PlainLoader, location: Location, index: LineIndex, file: str) -> Any:
    index.lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                raise ScreenMapError([MapProblem(file, key_node.start_mark.line + 1, _dotted(location), "bad key")])
            if key in result:
                message = f"duplicate key {key!r}"
                raise ScreenMapError([MapProblem(file, key_node.start_mark.line + 1, _dotted(location), message)])
            child = (*location, str(key))
            index.lines[child] = key_node.start_mark.line + 1
            result[str(key)] = _build(value_node, loader, child, index, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loader, (*location, i), index, file) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _dotted(location: Location) -> str:
    return ".".join(str(part) for part in location) or "(top)"


def parse_yaml(text: str, file: str) -> tuple[Any, LineIndex]:
    """Plain values plus a line index; YAML syntax errors become a ScreenMapError with the line."""
    loader = _PlainLoader(text)
    index = LineIndex()
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScreenMapError([MapProblem(file, 1, "(top)", "the file is empty")])
        return _build(node, loader, (), index, file), index
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ScreenMapError([MapProblem(file, line, "(yaml)", str(error.problem))]) from None
    finally:
        loader.dispose()


def _pydantic_problems(error: ValidationError, index: LineIndex, file: str) -> list[MapProblem]:
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        location: Location = tuple(item["loc"])
        readable = tuple(
            part
            for position, part in enumerate(location)
            if not (_is_union_tag(part) and position > 0 and isinstance(location[position - 1], int))
        )
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = f"unknown key {readable[-1]!r}" if readable else message
            readable = readable[:-1] if readable else readable
        problems.append(MapProblem(file, index.line_of(location), _dotted(readable), message))
    return problems


_UNION_TAGS = frozenset(
    {"goto", "expect", "click", "fill", "read", "read_table", "for_each", "emit"}
    | {
        "test_id",
        "role",
        "label",
        "placeholder",
        "text",
        "css",
        "xpath",
        "cell",
        "ocr_anchor",
        "image",
        "region",
        "ocr_rows",
    }
)


def _is_union_tag(part: str | int) -> bool:
    return isinstance(part, str) and (part in _UNION_TAGS or part.startswith(("function-", "list[", "dict[")))


def load_screen_map_text(text: str, file: str, expected_id: str | None = None) -> ScreenMap:
    """Validate a screen map given as text; `expected_id` is what the file name says the source id is."""
    data, index = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise ScreenMapError([MapProblem(file, 1, "(top)", "a screen map is a mapping")])
    try:
        screen_map = ScreenMap.model_validate(data)
    except ValidationError as error:
        raise ScreenMapError(_pydantic_problems(error, index, file)) from None
    problems = [
        MapProblem(file, index.line_of(location), _dotted(location), message)
        for location, message in check_screen_map(screen_map, expected_id)
    ]
    if problems:
        raise ScreenMapError(problems, source=screen_map.source.id)
    return screen_map


def load_screen_map(path: Path | str) -> ScreenMap:
    """Load `screen_maps/<id>.yaml`; the source id must match the file name."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScreenMapError([MapProblem(str(path), None, "(file)", f"cannot read: {error.strerror}")]) from None
    return load_screen_map_text(text, str(path), expected_id=path.stem)

"""Parse a FHIR search query string into typed parameters and the result-shaping controls (_count, _sort ...).

Only syntax is handled here; what a parameter means for a resource type lives in `definitions`, and which
ones the legacy search can take in `planner`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from fhir_facade.outcomes import FhirError, IssueCode

DATE_PREFIXES = ("eq", "ne", "lt", "gt", "le", "ge", "sa", "eb", "ap")
SUMMARY_MODES = ("true", "false", "text", "data", "count")
# Parameters that shape the result rather than select resources; `_page` carries our opaque cursor.
CONTROL_PARAMS = frozenset(
    {"_count", "_sort", "_summary", "_elements", "_include", "_revinclude", "_format", "_pretty", "_page", "_total"}
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


@dataclass(frozen=True)
class SearchParam:
    """One selecting parameter: `name[:modifier]=value1,value2` (the values are ORed, escapes undone)."""

    name: str
    values: tuple[str, ...]
    modifier: str | None = None


@dataclass(frozen=True)
class SortKey:
    name: str
    descending: bool = False


@dataclass(frozen=True)
class IncludeSpec:
    """`_include=Source:param[:Target]` or the same for `_revinclude`."""

    source_type: str
    param: str
    target_type: str | None = None

    def __str__(self) -> str:
        target = f":{self.target_type}" if self.target_type else ""
        return f"{self.source_type}:{self.param}{target}"


@dataclass
class ParsedQuery:
    """A search request split into selecting parameters and result controls."""

    params: list[SearchParam] = field(default_factory=list)
    count: int | None = None
    sort: tuple[SortKey, ...] = ()
    summary: str | None = None
    elements: tuple[str, ...] | None = None
    includes: tuple[IncludeSpec, ...] = ()
    revincludes: tuple[IncludeSpec, ...] = ()
    page: str | None = None


def split_or_values(raw: str) -> tuple[str, ...]:
    """Split on commas that are not escaped with a backslash, then undo `\\,` `\\|` `\\$` `\\\\` escapes."""
    values: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            current.append(raw[index + 1])
            index += 2
            continue
        if char == ",":
            values.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    values.append("".join(current))
    return tuple(values)


def _bad(message: str, expression: str | None = None) -> FhirError:
    return FhirError(400, IssueCode.INVALID, message, expression=expression)


def _parse_count(raw: str) -> int:
    if not raw.isdigit():
        raise _bad(f"_count must be a non-negative integer, got {raw!r}", "_count")
    return int(raw)


def _parse_sort(raw: str) -> tuple[SortKey, ...]:
    keys = []
    for item in raw.split(","):
        name = item.strip()
        descending = name.startswith("-")
        name = name.removeprefix("-")
        if not _NAME.match(name):
            raise _bad(f"invalid _sort key {item!r}", "_sort")
        keys.append(SortKey(name, descending))
    return tuple(keys)


def _parse_include(raw: str, parameter: str) -> IncludeSpec:
    parts = raw.split(":")
    if len(parts) not in (2, 3) or not all(_NAME.match(part) for part in parts):
        raise _bad(f"{parameter} must look like Type:param[:TargetType], got {raw!r}", parameter)
    return IncludeSpec(parts[0], parts[1], parts[2] if len(parts) == 3 else None)


def parse_query(pairs: Sequence[tuple[str, str]]) -> ParsedQuery:
    """Parse query pairs (in order, repeats kept) into a ParsedQuery; malformed controls raise 400."""
    query = ParsedQuery()
    includes: list[IncludeSpec] = []
    revincludes: list[IncludeSpec] = []
    for key, value in pairs:
        name, _, modifier = key.partition(":")
        if name == "_count":
            query.count = _parse_count(value)
        elif name == "_sort":
            query.sort = _parse_sort(value)
        elif name == "_summary":
            if value not in SUMMARY_MODES:
                raise _bad(f"_summary must be one of {', '.join(SUMMARY_MODES)}", "_summary")
            query.summary = value
        elif name == "_elements":
            query.elements = tuple(element.strip() for element in value.split(",") if element.strip())
        elif name == "_include":
            includes.append(_parse_include(value, "_include"))
        elif name == "_revinclude":
            revincludes.append(_parse_include(value, "_revinclude"))
        elif name == "_page":
            query.page = value
        elif name in CONTROL_PARAMS:
            continue
        else:
            if not _NAME.match(name):
                raise _bad(f"invalid search parameter name {key!r}")
            values = tuple(item for item in split_or_values(value) if item)
            # An empty value selects nothing in particular: it must not count as narrowing a search.
            if values:
                query.params.append(SearchParam(name, values, modifier or None))
    query.includes = tuple(includes)
    query.revincludes = tuple(revincludes)
    return query


def split_prefix(value: str) -> tuple[str, str]:
    """Split a date search value into its comparison prefix (default `eq`) and the date itself."""
    if len(value) > 2 and value[:2] in DATE_PREFIXES and not value[:2].isdigit():
        return value[:2], value[2:]
    return "eq", value

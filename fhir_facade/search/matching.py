"""Decide whether a resource matches one search parameter, per the R4 rules for each parameter type.

Used by the facade to filter what the legacy search could not, and by the in-memory provider to play a
legacy search screen. Values are read from resource JSON along the paths in `definitions`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from fhir_facade.outcomes import FhirError, IssueCode
from fhir_facade.search.dates import DateRange, compare_dates, parse_date_range, parse_search_date
from fhir_facade.search.definitions import ParamType, SearchParamDefinition
from fhir_facade.search.params import SearchParam, split_prefix

STRING_MODIFIERS = frozenset({"exact", "contains", "missing"})
TOKEN_MODIFIERS = frozenset({"not", "text", "missing"})
DATE_MODIFIERS = frozenset({"missing"})
_NAME_PARTS = ("family", "given", "prefix", "suffix", "text")
_ADDRESS_PARTS = ("line", "city", "district", "state", "postalCode", "country", "text")


def normalise(text: str) -> str:
    """Case- and accent-insensitive form: `Müller` and `muller` compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _children(node: Any, step: str) -> Iterator[Any]:
    if isinstance(node, list):
        for item in node:
            yield from _children(item, step)
        return
    if not isinstance(node, dict):
        return
    if step.endswith("[x]"):
        stem = step[:-3]
        for key, value in node.items():
            if key.startswith(stem) and key[len(stem) : len(stem) + 1].isupper():
                yield value
        return
    name, _, system = step.partition("(")
    value = node.get(name)
    if value is None:
        return
    for item in value if isinstance(value, list) else [value]:
        if system and (not isinstance(item, dict) or item.get("system") != system.rstrip(")")):
            continue
        yield item


def element_values(resource: dict[str, Any], path: str) -> list[Any]:
    """Every value at a dotted path, lists flattened."""
    nodes: list[Any] = [resource]
    for step in path.split("."):
        nodes = [child for node in nodes for child in _children(node, step)]
    flattened: list[Any] = []
    for node in nodes:
        flattened.extend(node if isinstance(node, list) else [node])
    return flattened


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for part in (*_NAME_PARTS, *_ADDRESS_PARTS):
            item = value.get(part)
            for text in item if isinstance(item, list) else [item]:
                if isinstance(text, str):
                    yield text


def _tokens(value: Any) -> Iterator[tuple[str | None, str, str]]:
    """(system, code, text) triples of a code, Coding, CodeableConcept, Identifier or ContactPoint."""
    if isinstance(value, bool):
        yield None, str(value).lower(), ""
    elif isinstance(value, str):
        yield None, value, ""
    elif isinstance(value, dict):
        for coding in value.get("coding", []):
            yield coding.get("system"), coding.get("code", ""), coding.get("display", "") or value.get("text", "")
        if "code" in value:
            yield value.get("system"), value["code"], value.get("display", "")
        elif "value" in value:
            yield value.get("system"), str(value["value"]), ""
        if "text" in value and "coding" not in value:
            yield None, "", value["text"]


def _date_ranges(value: Any) -> Iterator[DateRange]:
    if isinstance(value, str):
        parsed = parse_date_range(value)
        if parsed is not None:
            yield parsed
    elif isinstance(value, dict) and ("start" in value or "end" in value):
        start = parse_date_range(value["start"]) if "start" in value else None
        end = parse_date_range(value["end"]) if "end" in value else None
        low = start.start if start else (end.start if end else None)
        high = end.end if end else (start.end if start else None)
        if low is not None and high is not None:
            yield DateRange(low, high)


def _match_string(values: list[Any], wanted: str, modifier: str | None) -> bool:
    for text in (text for value in values for text in _strings(value)):
        if modifier == "exact" and text == wanted:
            return True
        if modifier == "contains" and normalise(wanted) in normalise(text):
            return True
        if modifier is None and normalise(text).startswith(normalise(wanted)):
            return True
    return False


def _match_token(values: list[Any], wanted: str, modifier: str | None) -> bool:
    system, bar, code = wanted.partition("|")
    if not bar:
        system, code = "", wanted
    for token_system, token_code, text in (token for value in values for token in _tokens(value)):
        if modifier == "text":
            if normalise(text).startswith(normalise(wanted)):
                return True
            continue
        if bar and system and token_system != system:
            continue
        if bar and not system and token_system:
            continue
        if code and token_code != code:
            continue
        if token_code or (bar and not code):
            return True
    return False


def _match_reference(values: list[Any], wanted: str, definition: SearchParamDefinition, type_hint: str | None) -> bool:
    parts = wanted.rstrip("/").split("/")
    wanted_type = parts[-2] if len(parts) >= 2 else type_hint
    wanted_id = parts[-1]
    for value in values:
        reference = value.get("reference", "") if isinstance(value, dict) else ""
        ref_parts = reference.split("/")
        if len(ref_parts) < 2 or ref_parts[-1] != wanted_id:
            continue
        if wanted_type is None or ref_parts[-2] == wanted_type:
            return True
    return False


def check_modifier(definition: SearchParamDefinition, param: SearchParam) -> None:
    """Reject a modifier the parameter type does not have (the spec says servers SHALL)."""
    allowed = {
        ParamType.STRING: STRING_MODIFIERS,
        ParamType.TOKEN: TOKEN_MODIFIERS,
        ParamType.DATE: DATE_MODIFIERS,
        ParamType.REFERENCE: frozenset({"missing", *definition.targets}),
    }[definition.type]
    if param.modifier is not None and param.modifier not in allowed:
        raise FhirError(
            400, IssueCode.NOT_SUPPORTED, f"modifier :{param.modifier} is not supported on {param.name}", param.name
        )
    if definition.type == ParamType.DATE and param.modifier != "missing":
        for value in param.values:
            parse_search_date(split_prefix(value)[1], param.name)


def matches(resource: dict[str, Any], definition: SearchParamDefinition, param: SearchParam) -> bool:
    """Whether `resource` satisfies `param` (its values ORed); the modifier has been checked already."""
    values = [value for path in definition.paths for value in element_values(resource, path)]
    if param.modifier == "missing":
        return any((value == "true") == (not values) for value in param.values)
    if param.modifier == "not":
        return not any(_match_token(values, wanted, None) for wanted in param.values)
    for wanted in param.values:
        if definition.type == ParamType.STRING and _match_string(values, wanted, param.modifier):
            return True
        if definition.type == ParamType.TOKEN and _match_token(values, wanted, param.modifier):
            return True
        if definition.type == ParamType.REFERENCE and _match_reference(values, wanted, definition, param.modifier):
            return True
        if definition.type == ParamType.DATE:
            prefix, raw = split_prefix(wanted)
            search = parse_search_date(raw, param.name)
            if any(compare_dates(prefix, target, search) for value in values for target in _date_ranges(value)):
                return True
    return False


def sort_value(resource: dict[str, Any], definition: SearchParamDefinition) -> str:
    """A comparable key for `_sort`: the first value's normalised text or ISO start."""
    values = [value for path in definition.paths for value in element_values(resource, path)]
    for value in values:
        if definition.type == ParamType.DATE:
            for date_range in _date_ranges(value):
                return date_range.start.isoformat()
        if definition.type == ParamType.TOKEN:
            for _, code, _ in _tokens(value):
                return code
        for text in _strings(value):
            return normalise(text)
    return ""

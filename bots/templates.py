"""`{scope.name|filter}` templates: how screen maps build URLs, ids and typed values from what a flow knows.

`render` fills a template from a lookup function; `parse` runs a simple `{name}` template backwards, splitting an
id such as `0001234-allergy-penicillin` into its parts. Filters: `digits` (keep digits), `slug` (lower-case letters,
digits and hyphens), `hash` (10 hex digits of SHA-256, for stable ids from free text), `dirname` / `basename` (a path
without / with only its last segment, e.g. a reference's id) and `optional` (empty instead of an error when the
value is missing).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[^{}|]+)?)((?:\|[a-z]+)*)\}")


class MissingValue(KeyError):
    """A template names something the flow does not have (yet)."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


FILTERS: dict[str, Callable[[str], str]] = {
    "digits": lambda text: re.sub(r"\D", "", text),
    "slug": _slug,
    "hash": lambda text: hashlib.sha256(text.encode()).hexdigest()[:10],
    "dirname": lambda text: text.rsplit("/", 1)[0],
    "basename": lambda text: text.rsplit("/", 1)[-1],
    "optional": lambda text: text,
}


def as_text(value: Any) -> str:
    """A value as a legacy screen would show it: whole numbers without `.0`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    return str(value)


def render(template: str, lookup: Callable[[str], Any], *, url_quote: bool = False) -> str:
    """Fill every placeholder; raises MissingValue when the lookup has nothing (None) for one."""

    def fill(match: re.Match[str]) -> str:
        name, filters = match.group(1), match.group(2)
        value = lookup(name)
        if value is None and "|optional" in filters:
            return ""
        if value is None:
            raise MissingValue(name)
        text = as_text(value)
        for filter_name in filters.split("|")[1:]:
            if filter_name not in FILTERS:
                raise MissingValue(f"{name}|{filter_name}")
            text = FILTERS[filter_name](text)
        return quote(text, safe="/") if url_quote else text

    return PLACEHOLDER.sub(fill, template)


def names_in(template: str) -> list[str]:
    return [match.group(1) for match in PLACEHOLDER.finditer(template)]


def parse(template: str, text: str) -> dict[str, str] | None:
    """Split `text` by a template of plain `{name}` placeholders; None if it does not fit."""
    pattern = ""
    position = 0
    for match in PLACEHOLDER.finditer(template):
        pattern += re.escape(template[position : match.start()])
        pattern += f"(?P<{match.group(1).replace('.', '__')}>.+?)"
        position = match.end()
    pattern += re.escape(template[position:])
    found = re.fullmatch(pattern, text)
    if found is None:
        return None
    return {name.replace("__", "."): value for name, value in found.groupdict().items()}

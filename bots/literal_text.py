"""What may be typed literally: control characters a field cannot hold are refused before anything is typed."""

from __future__ import annotations

import unicodedata

from bots.errors import InputRejected

MULTILINE_ALLOWED = frozenset({"\t", "\n"})


def check_literal(text: str, *, multiline: bool, field: str | None = None, screen: str | None = None) -> None:
    """Raise InputRejected if `text` holds a control character the field cannot hold (the message names only
    the character's code point, never the value)."""
    for position, character in enumerate(text):
        if unicodedata.category(character) != "Cc":
            continue
        if multiline and character in MULTILINE_ALLOWED:
            continue
        kind = "multi-line" if multiline else "single-line"
        raise InputRejected(
            f"U+{ord(character):04X} at position {position} cannot be typed into a {kind} field {field or ''}".strip(),
            screen=screen,
            step="fill",
        )

"""Opaque page cursors for `next`/`previous` links that keep working across requests and restarts.

A cursor holds the original query, where the page starts in the legacy result (the provider's own legacy
cursor plus how many records of that legacy page were already served) and where the earlier pages started,
so `previous` needs no server-side state. It is base64url JSON: opaque to clients, not a secret.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from fhir_facade.outcomes import FhirError, IssueCode

MAX_HISTORY = 50


@dataclass(frozen=True)
class PagePosition:
    """Where a FHIR page starts: a legacy page (None = the first) and how many of its records to skip; `branch`
    is which legacy search of a union (one per value of a multi-valued parameter) the page is in."""

    legacy_cursor: str | None = None
    skip: int = 0
    branch: int = 0


@dataclass(frozen=True)
class PageCursor:
    query: tuple[tuple[str, str], ...]
    position: PagePosition
    history: tuple[PagePosition, ...] = ()

    @property
    def previous(self) -> PageCursor | None:
        if not self.history:
            return None
        return PageCursor(self.query, self.history[-1], self.history[:-1])

    def following(self, position: PagePosition) -> PageCursor:
        return PageCursor(self.query, position, (*self.history, self.position)[-MAX_HISTORY:])


def _position_json(position: PagePosition) -> list[object]:
    return [position.legacy_cursor, position.skip, position.branch]


def _position(raw: object) -> PagePosition:
    # Cursors issued before unions existed have no branch: they are in the only one.
    if not (isinstance(raw, list) and len(raw) in (2, 3) and all(isinstance(number, int) for number in raw[1:])):
        raise ValueError("bad position")
    if raw[0] is not None and not isinstance(raw[0], str):
        raise ValueError("bad legacy cursor")
    return PagePosition(raw[0], *raw[1:])


def encode_cursor(cursor: PageCursor) -> str:
    payload = {
        "q": [list(pair) for pair in cursor.query],
        "p": _position_json(cursor.position),
        "h": [_position_json(position) for position in cursor.history],
    }
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> PageCursor:
    """The cursor in a `_page` value; a damaged one is the client's 400."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        query = tuple((str(key), str(value)) for key, value in payload["q"])
        return PageCursor(query, _position(payload["p"]), tuple(_position(item) for item in payload["h"]))
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise FhirError(400, IssueCode.INVALID, "the _page cursor is not one this server issued", "_page") from None

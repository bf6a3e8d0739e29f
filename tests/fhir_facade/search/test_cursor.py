"""Opaque page cursors: round trips, history for `previous`, damage detection."""

from __future__ import annotations

import pytest

from fhir_facade.outcomes import FhirError
from fhir_facade.search.cursor import PageCursor, PagePosition, decode_cursor, encode_cursor


def test_cursor_round_trip_and_previous() -> None:
    first = PageCursor((("family", "Müller"), ("_count", "3")), PagePosition())
    second = first.following(PagePosition("10", 2))
    third = second.following(PagePosition("20", 0))
    decoded = decode_cursor(encode_cursor(third))
    assert decoded == third
    assert decoded.previous == second
    assert decoded.previous is not None
    assert decoded.previous.previous == first


@pytest.mark.parametrize("token", ["", "!!!", "eyJ4IjoxfQ", "bm90IGpzb24"])
def test_damaged_cursors_are_400(token: str) -> None:
    with pytest.raises(FhirError) as raised:
        decode_cursor(token)
    assert raised.value.status == 400

"""Templates: filling placeholders with filters and URL quoting, and splitting ids back into their parts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bots.templates import MissingValue, parse, render

VALUES = {"row.link": "/chart/7/demographics", "param.family": "O'Brien & Co/2", "record.weight": Decimal("150.0")}


def test_render_with_filters() -> None:
    assert render("{row.link|dirname}/vitals", VALUES.get) == "/chart/7/vitals"
    assert render("{row.link|basename}", VALUES.get) == "demographics"
    assert render("{record.weight}", VALUES.get) == "150"
    assert render("{param.family|slug}", VALUES.get) == "o-brien-co-2"
    assert render("{param.family|hash}", VALUES.get) == render("{param.family|hash}", VALUES.get)
    assert len(render("{param.family|hash}", VALUES.get)) == 10
    assert render("x{param.given|optional}y", VALUES.get) == "xy"


def test_url_quoting_keeps_values_inside_their_parameter() -> None:
    assert render("/search?last={param.family}", VALUES.get, url_quote=True) == "/search?last=O%27Brien%20%26%20Co/2"


def test_missing_value_raises() -> None:
    with pytest.raises(MissingValue):
        render("{param.given}", VALUES.get)


def test_parse_is_render_backwards() -> None:
    assert parse("{patient}-{rest}", "0100046-vs-10292023-0944-bp") == {
        "patient": "0100046",
        "rest": "vs-10292023-0944-bp",
    }
    assert parse("{mrn}", "0100046") == {"mrn": "0100046"}
    assert parse("P{mrn}", "0100046") is None

"""Date ranges and R4 prefix comparisons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fhir_facade.outcomes import FhirError
from fhir_facade.search.dates import compare_dates, parse_date_range, parse_search_date


def _range(value: str) -> tuple[str, str]:
    parsed = parse_date_range(value)
    assert parsed is not None
    return parsed.start.isoformat(), parsed.end.isoformat()


def test_partial_dates_cover_their_span() -> None:
    assert _range("2020") == ("2020-01-01T00:00:00+00:00", "2021-01-01T00:00:00+00:00")
    assert _range("2020-12") == ("2020-12-01T00:00:00+00:00", "2021-01-01T00:00:00+00:00")
    assert _range("2020-02-29") == ("2020-02-29T00:00:00+00:00", "2020-03-01T00:00:00+00:00")
    assert _range("2020-05-01T10:30:00-06:00") == ("2020-05-01T16:30:00+00:00", "2020-05-01T16:30:01+00:00")


def test_invalid_dates_are_none_or_400() -> None:
    assert parse_date_range("2020-13") is None
    assert parse_date_range("2021-02-29") is None
    assert parse_date_range("yesterday") is None
    with pytest.raises(FhirError) as raised:
        parse_search_date("1990-1-1", "birthdate")
    assert raised.value.status == 400


@pytest.mark.parametrize(
    ("prefix", "target", "expected"),
    [
        ("eq", "2020-05-17", True),
        ("eq", "2020-06-01", False),
        ("ne", "2020-06-01", True),
        ("lt", "2020-04-30", True),
        ("lt", "2020-05-01", False),
        ("gt", "2020-06-01", True),
        ("gt", "2020-05-31", False),
        ("ge", "2020-05-01", True),
        ("le", "2020-05-31", True),
        ("le", "2020-06-01", False),
        ("sa", "2020-06-01", True),
        ("sa", "2020-05-31", False),
        ("eb", "2020-04-30", True),
        ("eb", "2020-05-01", False),
    ],
)
def test_prefixes_against_a_month(prefix: str, target: str, expected: bool) -> None:
    search = parse_date_range("2020-05")
    target_range = parse_date_range(target)
    assert search is not None
    assert target_range is not None
    assert compare_dates(prefix, target_range, search) is expected


def test_approximately_widens_by_a_tenth_of_the_distance_from_now() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    search = parse_date_range("2016-01-01")
    near, far = parse_date_range("2016-09-01"), parse_date_range("2018-01-01")
    assert search is not None
    assert near is not None
    assert far is not None
    assert compare_dates("ap", near, search, now)
    assert not compare_dates("ap", far, search, now)

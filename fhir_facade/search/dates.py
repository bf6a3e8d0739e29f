"""FHIR dates as ranges: partial dates (2020, 2020-05) cover their whole span, and R4's prefix comparisons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from fhir_facade.outcomes import FhirError, IssueCode

_DATE = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


@dataclass(frozen=True)
class DateRange:
    """The half-open span [start, end) a FHIR date value stands for."""

    start: datetime
    end: datetime


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    return moment.replace(year=moment.year + month_index // 12, month=month_index % 12 + 1)


def parse_date_range(value: str) -> DateRange | None:
    """The range of a FHIR date/dateTime/instant string, or None if it is not one. Zoneless means UTC."""
    match = _DATE.match(value)
    if match is None:
        return None
    parts = match.groupdict()
    try:
        zone: timezone = UTC
        if parts["zone"] and parts["zone"] != "Z":
            sign = 1 if parts["zone"][0] == "+" else -1
            hours, minutes = parts["zone"][1:].split(":")
            zone = timezone(timedelta(hours=int(hours), minutes=int(minutes)) * sign)
        start = datetime(
            int(parts["year"]),
            int(parts["month"] or 1),
            int(parts["day"] or 1),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int((parts["fraction"] or "0")[:6].ljust(6, "0")),
            tzinfo=zone,
        ).astimezone(UTC)
    except ValueError:
        return None
    if parts["month"] is None:
        end = start.replace(year=start.year + 1)
    elif parts["day"] is None:
        end = _add_months(start, 1)
    elif parts["hour"] is None:
        end = start + timedelta(days=1)
    elif parts["second"] is None:
        end = start + timedelta(minutes=1)
    elif parts["fraction"] is None:
        end = start + timedelta(seconds=1)
    else:
        end = start + timedelta(microseconds=1)
    return DateRange(start, end)


def parse_search_date(value: str, parameter: str) -> DateRange:
    """Like `parse_date_range` for a search value: an unparseable date is the caller's 400."""
    date_range = parse_date_range(value)
    if date_range is None:
        raise FhirError(400, IssueCode.VALUE, f"{parameter}: {value!r} is not a FHIR date", expression=parameter)
    return date_range


def _approximately(target: DateRange, search: DateRange, now: datetime) -> bool:
    # R4 leaves `ap` to the server: we widen the search range by 10% of its distance from now, at least a day.
    margin = max(abs(now - search.start) * 0.1, timedelta(days=1))
    return target.start < search.end + margin and target.end > search.start - margin


def compare_dates(prefix: str, target: DateRange, search: DateRange, now: datetime | None = None) -> bool:
    """Whether a resource's date range satisfies `prefix search` per the R4 date search rules."""
    equal = search.start <= target.start and target.end <= search.end
    if prefix == "eq":
        return equal
    if prefix == "ne":
        return not equal
    if prefix == "gt":
        return target.end > search.end
    if prefix == "lt":
        return target.start < search.start
    if prefix == "ge":
        return target.end > search.end or equal
    if prefix == "le":
        return target.start < search.start or equal
    if prefix == "sa":
        return target.start >= search.end
    if prefix == "eb":
        return target.end <= search.start
    return _approximately(target, search, now or datetime.now(UTC))

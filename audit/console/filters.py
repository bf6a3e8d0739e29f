"""The runs list's query string: parse it into a RunFilter and a page, and build links that keep it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from audit.outcome import OUTCOME_LABELS
from audit.runs import RunFilter

PAGE_SIZE = 20
FILTER_NAMES = ("date_from", "date_to", "source", "patient", "client", "interaction", "outcome", "drift")


@dataclass(frozen=True)
class ListQuery:
    values: dict[str, str]
    run_filter: RunFilter
    page: int
    problems: list[str]

    def link(self, page: int) -> str:
        """A runs-list URL with the same filters and another page."""
        kept = {name: value for name, value in self.values.items() if value}
        return "?" + urlencode({**kept, "page": str(page)})


def _day(text: str, name: str, problems: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{name} must be a date (YYYY-MM-DD)")
        return None


def parse_list_query(params: dict[str, str]) -> ListQuery:
    """Filters from the form; bad values are reported and ignored rather than failing the page."""
    values = {name: params.get(name, "").strip() for name in FILTER_NAMES}
    problems: list[str] = []
    start = _day(values["date_from"], "From", problems)
    end = _day(values["date_to"], "To", problems)
    outcome = values["outcome"] if values["outcome"] in OUTCOME_LABELS else None
    drift = {"yes": True, "no": False}.get(values["drift"])
    try:
        page = max(int(params.get("page", "1")), 1)
    except ValueError:
        page = 1
    run_filter = RunFilter(
        date_from=datetime(start.year, start.month, start.day, tzinfo=UTC) if start else None,
        date_to=datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1) if end else None,
        source=values["source"] or None,
        patient=values["patient"] or None,
        client=values["client"] or None,
        interaction=values["interaction"] or None,
        outcome=outcome,
        drift=drift,
    )
    return ListQuery(values, run_filter, page, problems)

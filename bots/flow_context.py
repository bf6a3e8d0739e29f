"""What a running flow knows: its parameters, the values it writes, the records it has read and what it emits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bots.fhir_paths import get_first

Record = dict[str, str]


@dataclass(frozen=True)
class Emitted:
    """A record a flow handed to bindings."""

    record: Record
    bindings: tuple[str, ...]


@dataclass
class TableSource:
    """Where a list of rows came from, so `for_each ... open` can find row i again."""

    screen: str
    table: str


@dataclass
class FlowContext:
    """Template scopes: `param.`, `value.`, `resource.` and every named record or row list."""

    params: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    resource: dict[str, Any] | None = None
    clear_absent: bool = False
    records: dict[str, Record | list[Record]] = field(default_factory=dict)
    tables: dict[str, TableSource] = field(default_factory=dict)
    emitted: list[Emitted] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)
    submitted: bool = False
    # Awaited immediately before the submitting click (e.g. the write queue persisting "about to submit").
    before_submit: Callable[[], Awaitable[None]] | None = None
    screen: str | None = None
    page_cursor: int = 1
    next_cursor: int | None = None

    def lookup(self, name: str) -> Any:
        scope, _, rest = name.partition(".")
        if scope == "param":
            return self.params.get(rest) or None
        if scope == "value":
            return self.values.get(rest) or None
        if scope == "resource":
            return get_first(self.resource, rest) if self.resource is not None else None
        record = self.records.get(scope)
        if isinstance(record, dict):
            return record.get(rest) or None
        return None

    def for_row(self, row: Record) -> FlowContext:
        """A copy for one row of a `parallel` for_each: the same scopes plus `row`, its own records and emitted."""
        return FlowContext(
            params=self.params,
            values=self.values,
            resource=self.resource,
            clear_absent=self.clear_absent,
            records={**self.records, "row": row},
            tables=dict(self.tables),
            page_cursor=self.page_cursor,
        )

    def skipped_by(self, only_if: dict[str, list[str]] | None) -> bool:
        """A step with `only_if` runs only when each named param is absent or one of the values listed."""
        if not only_if:
            return False
        return any(name in self.params and self.params[name] not in allowed for name, allowed in only_if.items())

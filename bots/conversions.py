"""Convert one value between its legacy text and its FHIR form, as an element rule says.

Legacy -> FHIR: trim, take the pattern's group, map through the value map, then type it (numbers, booleans, dates
in the legacy format become ISO dates, or dateTimes in the source's time zone). FHIR -> legacy runs the same way
back. Errors never quote the value: it may be patient data.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from bots.map_models import ElementRule, ValueType
from bots.templates import as_text

TOKENS = (("YYYY", "%Y"), ("MM", "%m"), ("DD", "%d"), ("HH", "%H"), ("mm", "%M"), ("ss", "%S"))
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "checked", "on"})


class ConversionError(ValueError):
    """A value does not fit its rule (not in the value map, not a number, not in the date format)."""


def strftime_format(legacy_format: str) -> str:
    result = legacy_format
    for token, directive in TOKENS:
        result = result.replace(token, directive)
    return result


def _has_time(legacy_format: str) -> bool:
    return "HH" in legacy_format


def to_fhir(text: str, rule: ElementRule, zone: ZoneInfo) -> Any:
    """The FHIR value of a legacy text, or None when the text is empty."""
    value = text.strip()
    if rule.pattern is not None:
        match = re.search(rule.pattern, value)
        if match is None:
            raise ConversionError(f"value does not match the pattern of {rule.path}")
        value = match.group(1).strip()
    if not value:
        return None
    if rule.value_map is not None:
        if value in rule.value_map:
            value = rule.value_map[value]
        elif rule.unmapped == "skip":
            return None
        elif rule.unmapped == "error":
            raise ConversionError(f"value is not in the value map of {rule.path}")
    return _typed(value, rule, zone)


def _typed(value: str, rule: ElementRule, zone: ZoneInfo) -> Any:
    if rule.type == ValueType.INTEGER:
        try:
            return int(value)
        except ValueError:
            raise ConversionError(f"{rule.path} needs a whole number") from None
    if rule.type == ValueType.DECIMAL:
        try:
            return Decimal(value)
        except InvalidOperation:
            raise ConversionError(f"{rule.path} needs a number") from None
    if rule.type == ValueType.BOOLEAN:
        return value.lower() in TRUE_WORDS
    if rule.type in (ValueType.DATE, ValueType.DATETIME) and rule.format is not None:
        try:
            parsed = datetime.strptime(value, strftime_format(rule.format))
        except ValueError:
            raise ConversionError(f"{rule.path} is not in the format {rule.format}") from None
        if not _has_time(rule.format):
            return parsed.date().isoformat()
        return parsed.replace(tzinfo=zone).isoformat()
    return value


def to_legacy(value: Any, rule: ElementRule, zone: ZoneInfo) -> str:
    """The legacy text for a FHIR value (the inverse of `to_fhir` for invertible rules)."""
    if rule.type in (ValueType.DATE, ValueType.DATETIME) and rule.format is not None:
        text = _format_date(str(value), rule.format, zone)
    else:
        text = as_text(value)
    if rule.value_map is not None:
        reverse = {fhir: legacy for legacy, fhir in reversed(list(rule.value_map.items()))}
        if text in reverse:
            text = reverse[text]
        elif rule.unmapped != "keep":
            raise ConversionError(f"value has no legacy equivalent in the value map of {rule.path}")
    return text


def _format_date(iso: str, legacy_format: str, zone: ZoneInfo) -> str:
    if len(iso) == 10 and _has_time(legacy_format):
        raise ConversionError("a date without a time cannot fill a field that needs a time")
    try:
        if len(iso) == 10:
            moment = datetime.combine(date.fromisoformat(iso), datetime.min.time())
        else:
            moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(zone)
    except ValueError:
        raise ConversionError("not an ISO date or dateTime") from None
    return moment.strftime(strftime_format(legacy_format))

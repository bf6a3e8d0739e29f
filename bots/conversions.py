"""Convert one value between its legacy text and its FHIR form, as an element rule says.

Legacy -> FHIR: trim, take the pattern's group, map through the value map, then type it (numbers, booleans, dates
in the legacy format become ISO dates, or dateTimes in the source's time zone). FHIR -> legacy runs the same way
back. Errors never quote the value: it may be patient data.

`convert_quantity` turns a measurement between UCUM units of one dimension (kg, g, [lb_av]; m, cm, [in_i];
Cel, [degF], K), so a write given in another unit than the legacy field's can be typed in the legacy one.
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
UCUM = "http://unitsofmeasure.org"
# UCUM code -> (dimension, scale, offset): the value in the dimension's base unit is value * scale + offset.
UCUM_UNITS: dict[str, tuple[str, Decimal, Decimal]] = {
    "kg": ("mass", Decimal(1), Decimal(0)),
    "g": ("mass", Decimal("0.001"), Decimal(0)),
    "[lb_av]": ("mass", Decimal("0.45359237"), Decimal(0)),
    "[oz_av]": ("mass", Decimal("0.028349523125"), Decimal(0)),
    "m": ("length", Decimal(1), Decimal(0)),
    "cm": ("length", Decimal("0.01"), Decimal(0)),
    "mm": ("length", Decimal("0.001"), Decimal(0)),
    "[in_i]": ("length", Decimal("0.0254"), Decimal(0)),
    "[ft_i]": ("length", Decimal("0.3048"), Decimal(0)),
    "K": ("temperature", Decimal(1), Decimal(0)),
    "Cel": ("temperature", Decimal(1), Decimal("273.15")),
    "[degF]": ("temperature", Decimal(5) / Decimal(9), Decimal("273.15") - Decimal(32) * Decimal(5) / Decimal(9)),
}
CONVERTED_PLACES = Decimal("0.01")  # a converted measurement keeps two decimals: finer than any vital sign's use


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


def convert_quantity(value: Decimal, from_code: str, to_code: str) -> Decimal | None:
    """The value in `to_code` units (two decimals, trailing zeros dropped); None when the units do not convert."""
    source, target = UCUM_UNITS.get(from_code), UCUM_UNITS.get(to_code)
    if source is None or target is None or source[0] != target[0]:
        return None
    if from_code == to_code:
        return value
    base = value * source[1] + source[2]
    converted = ((base - target[2]) / target[1]).quantize(CONVERTED_PLACES)
    return converted.normalize() if converted != converted.to_integral_value() else converted.quantize(Decimal(1))

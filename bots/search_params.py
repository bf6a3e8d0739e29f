"""Turn FHIR search parameter values into what the legacy search screen is typed with.

Tokens lose their `system|`, references their `Type/`, dates may carry only the `eq` prefix; then the binding rule
of the parameter's field converts the value (e.g. `male` -> `M`, `1958-03-14` -> `03/14/1958`).
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from bots.conversions import ConversionError, to_legacy
from bots.errors import ConfigurationError, InputRejected
from bots.map_models import Flow, SearchParam
from bots.screen_map import ScreenMap

DATE_PREFIXES = ("ne", "gt", "lt", "ge", "le", "sa", "eb", "ap")


def _plain(name: str, param: SearchParam, value: str) -> str:
    if param.type == "token" and "|" in value:
        return value.split("|", 1)[1]
    if param.type == "reference" and "/" in value:
        return value.rsplit("/", 1)[1]
    if param.type == "date":
        if value.startswith("eq"):
            return value[2:]
        if value.startswith(DATE_PREFIXES):
            raise ConfigurationError(f"search parameter {name!r}: the legacy search only matches a date exactly")
    return value


def legacy_params(screen_map: ScreenMap, flow_key: str, flow: Flow, params: Mapping[str, str]) -> dict[str, str]:
    """Legacy values for every declared parameter given; ConfigurationError for undeclared or missing ones."""
    unknown = sorted(set(params) - set(flow.params))
    if unknown:
        raise ConfigurationError(f"{flow_key} cannot search by {', '.join(unknown)}")
    missing = sorted(name for name, param in flow.params.items() if param.required and not params.get(name))
    if missing:
        raise ConfigurationError(f"{flow_key} needs the search parameter(s) {', '.join(missing)}")
    zone = ZoneInfo(screen_map.source.timezone)
    converted: dict[str, str] = {}
    for name, value in params.items():
        param = flow.params[name]
        plain = _plain(name, param, value.strip())
        if param.binding is not None and param.field is not None:
            rule = next(rule for rule in screen_map.bindings[param.binding].rules if rule.field == param.field)
            try:
                plain = to_legacy(plain, rule, zone)
            except ConversionError:
                raise InputRejected(f"search parameter {name!r} has no legacy equivalent") from None
        converted[name] = plain
    return converted

"""The `bindings` section: how legacy field values become FHIR elements, and back.

A binding turns one record (field name -> text read from the screen) into one FHIR resource. Each rule sets one
element path (`name[0].given[0]`, `valueQuantity.value`) from a field, a constant or a template, converting
through a value map (`M -> male`), a legacy date format (`MM/DD/YYYY`), a regular expression or a number type.
Writes run the same rules backwards; `write_fields` covers fields no single rule can invert (e.g. "120/80").
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, model_validator

from bots.fhir_paths import split_path
from bots.map_models.base import MapModel

DATE_TOKENS = ("YYYY", "MM", "DD", "HH", "mm", "ss")


class ValueType(StrEnum):
    STRING = "string"
    CODE = "code"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"


class ElementRule(MapModel):
    path: str = Field(description="element path; `[n]` indices, and `[sub.path=value]` selectors on write-only rules")
    field: str | None = None
    constant: Any = None
    template: str | None = None
    type: ValueType = ValueType.STRING
    value_map: dict[str, str] | None = None
    unmapped: Literal["error", "skip", "keep"] = Field(
        default="error", description="a value missing from value_map: fail, leave the element out, or keep it"
    )
    format: str | None = Field(default=None, description="legacy date format, e.g. MM/DD/YYYY or MM/DD/YYYY HH:mm")
    pattern: str | None = Field(default=None, description="regular expression; its first group is the value")
    if_present: str | None = Field(default=None, description="apply only when this field is not empty")
    required: bool = False
    read: bool = Field(default=True, description="used when reading the legacy screen into FHIR")
    write: bool = Field(default=True, description="used when turning a FHIR resource into legacy field values")

    @model_validator(mode="after")
    def one_source(self) -> ElementRule:
        segments = split_path(self.path)
        if self.read and any(segment.select_path is not None for segment in segments):
            raise ValueError("a selector `[path=value]` can only be used in a rule with `read: false`")
        sources = [self.field is not None, self.constant is not None, self.template is not None]
        if sum(sources) != 1:
            raise ValueError("a rule takes its value from exactly one of `field`, `constant`, `template`")
        if self.pattern is not None:
            compiled = re.compile(self.pattern)
            if compiled.groups < 1:
                raise ValueError("`pattern` needs one capturing group")
        if self.format is not None and not any(token in self.format for token in DATE_TOKENS):
            raise ValueError(f"`format` must use {', '.join(DATE_TOKENS)}")
        if self.format is not None and self.type not in (ValueType.DATE, ValueType.DATETIME):
            raise ValueError("`format` only applies to date and datetime values")
        return self


class Binding(MapModel):
    resource: str = Field(pattern=r"^[A-Z][A-Za-z]+$")
    id: str = Field(description="template over record fields giving a stable logical id")
    rules: list[ElementRule] = Field(min_length=1)
    match: dict[str, str] = Field(
        default_factory=dict, description="FHIR path -> value a resource must have for this binding to write it"
    )
    write_fields: dict[str, str] = Field(default_factory=dict, description="field -> template over `resource.`")
    write_defaults: dict[str, str] = Field(
        default_factory=dict, description="field -> legacy value typed when the resource gives none"
    )
    when: str | None = Field(default=None, description="emit only records where this field is not empty")

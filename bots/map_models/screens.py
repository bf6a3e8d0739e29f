"""The `screens` section: how each screen is recognised and where its fields, actions and tables are."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field as PydanticField
from pydantic import model_validator

from bots.locators import Locator
from bots.map_models.base import MapModel


class ScreenKind(StrEnum):
    """What a screen means to the engine; anything but `page` ends the flow with a typed error."""

    PAGE = "page"
    LOGIN = "login"
    SEATS_EXHAUSTED = "seats_exhausted"
    SERVER_ERROR = "server_error"
    NOT_FOUND = "not_found"
    VALIDATION_ERROR = "validation_error"


class Recognition(MapModel):
    """Signals that identify a screen; ALL given signals must hold."""

    url: str | None = PydanticField(default=None, description="regular expression searched in the URL")
    title: str | None = PydanticField(default=None, description="regular expression searched in the title")
    text: list[str] = PydanticField(default_factory=list, description="texts that must be visible")
    elements: list[Locator] = PydanticField(default_factory=list, description="each must match at least once")

    @model_validator(mode="after")
    def has_signal(self) -> Recognition:
        if self.url is None and self.title is None and not self.text and not self.elements:
            raise ValueError("a screen needs at least one recognition signal (url, title, text or elements)")
        return self


class Field(MapModel):
    """A value on a screen: read from it or typed into it, found by ordered fallback locators."""

    locators: list[Locator] = PydanticField(min_length=1)
    input: Literal["text", "multiline", "select", "checkbox", "readonly"] = "text"
    read: str = PydanticField(default="auto", pattern=r"^(auto|text|value|attribute:[A-Za-z_:][-A-Za-z0-9_:.]*)$")
    secret: bool = False
    optional: bool = PydanticField(default=False, description="absent on the screen reads as empty")


class Action(MapModel):
    """Something to click."""

    locators: list[Locator] = PydanticField(min_length=1)


class Table(MapModel):
    """Rows of a list screen; each column is found inside its row."""

    rows: list[Locator] = PydanticField(min_length=1)
    columns: dict[str, Field] = PydanticField(min_length=1)
    next_page: Action | None = None
    open: str | None = PydanticField(default=None, description="column whose element opens the row's record")


class Screen(MapModel):
    kind: ScreenKind = ScreenKind.PAGE
    recognize: Recognition
    fields: dict[str, Field] = PydanticField(default_factory=dict)
    actions: dict[str, Action] = PydanticField(default_factory=dict)
    tables: dict[str, Table] = PydanticField(default_factory=dict)

    @model_validator(mode="after")
    def names_unique(self) -> Screen:
        clash = set(self.fields) & set(self.actions) | set(self.fields) & set(self.tables)
        clash |= set(self.actions) & set(self.tables)
        if clash:
            raise ValueError(f"names used twice among fields, actions and tables: {sorted(clash)}")
        if self.tables:
            for table_name, table in self.tables.items():
                if table.open is not None and table.open not in table.columns:
                    raise ValueError(f"table {table_name!r} opens rows by unknown column {table.open!r}")
        return self

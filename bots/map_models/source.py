"""The `source` section of a screen map: how to reach a legacy EHR, log in, and how far to trust it."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, model_validator

from bots.map_models.base import MapModel


class Credential(MapModel):
    """A credential by NAME: the value comes from this environment variable or the configured secrets file."""

    env: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    secret: bool = True


class LoginSpec(MapModel):
    """How to log in: go to `path`, fill fields from credentials, submit, and expect a screen."""

    screen: str
    path: str | None = None
    fields: dict[str, str] = Field(description="login-screen field -> credential name")
    submit: str = Field(description="action on the login screen that submits it")
    success: list[str] = Field(min_length=1, description="screens any of which means the login worked")


class LogoutSpec(MapModel):
    """How to end a session when the bot is done with it (shutdown), so it stops holding one of the EHR's seats.

    Without it a legacy system keeps a closed bot's session (and its seat) until its own idle timeout.
    """

    path: str = Field(description="where to go to log off (a link or form target of the application)")
    success: list[str] = Field(min_length=1, description="screens any of which means the session ended")


class Timeouts(MapModel):
    """Upper bounds for every wait; nothing waits longer."""

    navigation_seconds: float = Field(default=15, gt=0)
    screen_seconds: float = Field(default=10, gt=0)
    element_seconds: float = Field(default=5, gt=0)
    login_seconds: float = Field(default=20, gt=0)
    seat_wait_seconds: float = Field(default=30, gt=0)


class ScreenFont(MapModel):
    """A font a desktop application draws its values in: its glyphs are rendered once and matched (exact reads)."""

    family: str = Field(min_length=1)
    pixels: float = Field(gt=0, description="size in pixels as drawn (points x pixels per point)")
    characters: str | None = Field(default=None, description="characters to match; default: printable Latin-1")


class Source(MapModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    driver: Literal["web", "desktop"]
    url: str | None = None
    launch: list[str] | None = None
    credentials: dict[str, Credential] = Field(default_factory=dict)
    login: LoginSpec | None = None
    logout: LogoutSpec | None = None
    seat_limit: int = Field(default=1, ge=1)
    host_resolver_exclusions: list[str] = Field(default_factory=list)
    timeouts: Timeouts = Field(default_factory=Timeouts)
    timezone: str = Field(default="UTC", description="IANA zone the legacy system's times are in")
    ui_versions: list[int] = Field(default_factory=lambda: [1], min_length=1)
    fonts: list[ScreenFont] = Field(default_factory=list, description="desktop: fonts read by glyph matching")

    @model_validator(mode="after")
    def reachable(self) -> Source:
        if self.driver == "web" and not self.url:
            raise ValueError("a web source needs `url`")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.timezone!r}") from None
        if self.driver == "desktop" and not self.launch:
            raise ValueError("a desktop source needs `launch` (the command that starts the application)")
        return self

"""Configuration: one TOML file (`retrofhir.toml`, or `RETROFHIR_CONFIG`) with environment overrides.

Environment variables win over the file: `RETROFHIR_<SECTION>__<KEY>`, e.g. `RETROFHIR_FACADE__PORT=9090`.
Credentials are never stored here: screen maps name them and `secrets` says where their values come from.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from audit.settings import AuditSettings
from fhir_facade.settings import FhirSettings
from scheduler.settings import SchedulerSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Section(BaseModel):
    """A configuration section: unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid")


class FacadeSettings(Section):
    host: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str = "http://127.0.0.1:8080"


class PracticeWebSettings(Section):
    host: str = "127.0.0.1"
    port: int = 8081
    database: Path = Path("var/practice/legacy_web.sqlite")


class PracticeDesktopSettings(Section):
    display: int = 99
    database: Path = Path("var/practice/legacy_desktop.sqlite")


class BrowserSettings(Section):
    executable_path: Path = Path("/usr/bin/chromium")
    # Chromium contacts Google at start-up whatever --disable-* flags it gets; only resolver rules stop it.
    # Production deployments add the legacy EHR's host to the exclusions per source.
    host_resolver_rules: str = "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
    headless: bool = True


class Settings(BaseSettings):
    """Everything RetroFHIR reads at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="RETROFHIR_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    data_dir: Path = Path("var")
    screen_maps_dir: Path = PROJECT_ROOT / "screen_maps"
    secrets_file: Path | None = None
    facade: FacadeSettings = Field(default_factory=FacadeSettings)
    practice_web: PracticeWebSettings = Field(default_factory=PracticeWebSettings)
    practice_desktop: PracticeDesktopSettings = Field(default_factory=PracticeDesktopSettings)
    browser: BrowserSettings = Field(default_factory=BrowserSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    fhir: FhirSettings = Field(default_factory=FhirSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = Path(os.environ.get("RETROFHIR_CONFIG", "retrofhir.toml"))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_file))


def load_settings() -> Settings:
    """Read the configuration file and the environment; raises pydantic's ValidationError naming bad keys."""
    return Settings()

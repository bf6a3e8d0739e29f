"""The `[fhir]` configuration section: paging, body limits, write waits, local store, freshness and SMART auth.

Relative paths are resolved under the project's `data_dir` (default `var/`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClientRegistration(_Section):
    """A backend client allowed to ask for tokens: its public keys (inline JWKS or a file) and its scope ceiling."""

    client_id: str
    name: str = ""
    jwks: dict[str, Any] | None = None
    jwks_file: Path | None = None
    scopes: list[str] = Field(default_factory=lambda: ["system/*.cruds"])

    @model_validator(mode="after")
    def _one_key_source(self) -> ClientRegistration:
        if (self.jwks is None) == (self.jwks_file is None):
            raise ValueError(f"client {self.client_id!r} needs exactly one of jwks or jwks_file")
        return self


class AuthSettings(_Section):
    """SMART Backend Services: token lifetimes, the server's signing key, registered clients, dev mode."""

    token_lifetime_seconds: int = 300
    assertion_max_lifetime_seconds: int = 300
    clock_skew_seconds: int = 60
    signing_key_file: Path = Path("auth/server-signing-key.pem")
    clients: list[ClientRegistration] = Field(default_factory=list)
    dev_mode: bool = True
    demo_client_id: str = "retrofhir-demo"
    demo_key_file: Path = Path("auth/demo-client-key.pem")
    demo_scopes: list[str] = Field(default_factory=lambda: ["system/*.cruds", "auditor"])
    # Roles the demo client is granted only when it asks for them (`retrofhir dev-token --role operator`).
    demo_roles_on_request: list[str] = Field(default_factory=lambda: ["operator"])


class StoreSettings(_Section):
    """Where bot-read data is kept and how long a stored copy may answer a read (seconds, per resource type)."""

    url: str | None = None
    default_max_age_seconds: float = 300.0
    memory_entries: int = 10_000
    max_age_seconds: dict[str, float] = Field(default_factory=dict)

    def max_age_for(self, resource_type: str) -> float:
        return self.max_age_seconds.get(resource_type, self.default_max_age_seconds)


class FhirSettings(_Section):
    """Everything the FHIR facade reads from configuration."""

    default_page_size: int = 20
    max_page_size: int = 100
    max_body_bytes: int = 1_000_000
    write_wait_seconds: float = 10.0
    count_scan_limit: int = 5_000
    store: StoreSettings = Field(default_factory=StoreSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)

    def store_url(self, data_dir: Path) -> str:
        return self.store.url or f"sqlite+aiosqlite:///{data_dir / 'facade' / 'store.sqlite'}"

"""Configuration of the audit trail: where it lives, where its keys come from, how long screenshots are kept."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class AuditSettings(BaseModel):
    """The `[audit]` section of retrofhir.toml; relative paths are taken under the global data dir."""

    # Defined here rather than on retrofhir.config.Section so that the config module can import it without a cycle.
    model_config = ConfigDict(extra="forbid")

    directory: Path = Path("audit")
    # SQLAlchemy URL of the run, step and chain index; empty means SQLite inside `directory`.
    database_url: str = ""
    # One key per line, `KEY_ID BASE64_32_BYTES`; the last line is the newest key, used for new writes.
    key_file: Path = Path("audit/keys")
    # Same format as the key file, keys separated by commas; read before the file when it is set.
    key_env: str = "RETROFHIR_AUDIT_KEYS"
    retention_days: int = 365
    # Batches (a finished run, or part of a long one) waiting for the background writer before a bot has to wait.
    writer_queue_size: int = 2000
    # The role scope a token must carry to use the auditor console (the facade grants it like any scope).
    auditor_role: str = "auditor"

    def resolved_directory(self, data_dir: Path) -> Path:
        return self.directory if self.directory.is_absolute() else data_dir / self.directory

    def resolved_key_file(self, data_dir: Path) -> Path:
        return self.key_file if self.key_file.is_absolute() else data_dir / self.key_file

    def resolved_database_url(self, data_dir: Path) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_directory(data_dir) / 'audit.sqlite'}"

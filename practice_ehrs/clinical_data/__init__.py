"""The clinical data model both practice EHRs share: schema, deterministic generator, database helpers."""

from practice_ehrs.clinical_data.database import (
    connect,
    ensure_database,
    open_database,
    query,
    reset_database,
    schema_sql,
)
from practice_ehrs.clinical_data.generator import DEFAULT_PATIENT_COUNT, DEFAULT_SEED, FIXED_PATIENTS, REFERENCE_DATE

__all__ = [
    "DEFAULT_PATIENT_COUNT",
    "DEFAULT_SEED",
    "FIXED_PATIENTS",
    "REFERENCE_DATE",
    "connect",
    "ensure_database",
    "open_database",
    "query",
    "reset_database",
    "schema_sql",
]

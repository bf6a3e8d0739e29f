"""The audit trail: encrypted, hash-chained screenshots of every bot step, AuditEvent/Provenance, auditor console.

Others use: `AuditObserver` (the engine's RunObserver), `AuditTrail.open(settings, data_dir)`, `TrailWriter`,
`verify_trail`, `purge_expired`, the FHIR query functions, and `export_run_html`.
"""

from audit.annotate import annotate
from audit.blobstore import ScreenshotMismatch, ScreenshotMissing, ScreenshotStore
from audit.chain import GENESIS_HASH, RecordKind, record_hash
from audit.keys import AuditKeyError, KeyRing, NoAuditKey, append_new_key
from audit.observer import AuditObserver
from audit.purge import PurgeReport, purge_before, purge_expired
from audit.records import StepView
from audit.settings import AuditSettings
from audit.trail import AuditTrail
from audit.verify import ChainProblem, VerificationReport, verify_trail
from audit.writer import TrailWriter

__all__ = [
    "GENESIS_HASH",
    "AuditKeyError",
    "AuditObserver",
    "AuditSettings",
    "AuditTrail",
    "ChainProblem",
    "KeyRing",
    "NoAuditKey",
    "PurgeReport",
    "RecordKind",
    "ScreenshotMismatch",
    "ScreenshotMissing",
    "ScreenshotStore",
    "StepView",
    "TrailWriter",
    "VerificationReport",
    "annotate",
    "append_new_key",
    "purge_before",
    "purge_expired",
    "record_hash",
    "verify_trail",
]

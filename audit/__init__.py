"""The audit trail: encrypted, hash-chained screenshots of every bot step, AuditEvent/Provenance, auditor console.

Others use `AuditService` (the engine's observer, the scheduler's write and retention hooks), the FHIR query
functions in `audit.queries`, the console router in `audit.console`, and `retrofhir audit ...`.

Names are imported on first use: `retrofhir.config` imports `audit.settings`, and loading the whole trail
(which needs `bots`, which needs the config) at that moment would be an import cycle.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audit.annotate import annotate, annotate_step, neighbour_boxes
    from audit.blobstore import ScreenshotMismatch, ScreenshotMissing, ScreenshotStore
    from audit.chain import GENESIS_HASH, RecordKind, record_hash
    from audit.keys import AuditKeyError, KeyRing, NoAuditKey, append_new_key
    from audit.observer import AuditObserver
    from audit.purge import PurgeReport, purge_before, purge_expired
    from audit.records import StepView
    from audit.runs import interrupted_runs
    from audit.service import AuditService
    from audit.settings import AuditSettings
    from audit.trail import AuditTrail
    from audit.verify import ChainProblem, VerificationReport, verify_trail
    from audit.writer import TrailWriter

_HOMES = {
    "AuditKeyError": "keys",
    "AuditObserver": "observer",
    "AuditService": "service",
    "AuditSettings": "settings",
    "AuditTrail": "trail",
    "ChainProblem": "verify",
    "GENESIS_HASH": "chain",
    "KeyRing": "keys",
    "NoAuditKey": "keys",
    "PurgeReport": "purge",
    "RecordKind": "chain",
    "ScreenshotMismatch": "blobstore",
    "ScreenshotMissing": "blobstore",
    "ScreenshotStore": "blobstore",
    "StepView": "records",
    "TrailWriter": "writer",
    "VerificationReport": "verify",
    "annotate": "annotate",
    "annotate_step": "annotate",
    "append_new_key": "keys",
    "interrupted_runs": "runs",
    "neighbour_boxes": "annotate",
    "purge_before": "purge",
    "purge_expired": "purge",
    "record_hash": "chain",
    "verify_trail": "verify",
}

__all__ = [
    "GENESIS_HASH",
    "AuditKeyError",
    "AuditObserver",
    "AuditService",
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
    "annotate_step",
    "append_new_key",
    "interrupted_runs",
    "neighbour_boxes",
    "purge_before",
    "purge_expired",
    "record_hash",
    "verify_trail",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'audit' has no attribute {name!r}")
    return getattr(importlib.import_module(f"audit.{home}"), name)

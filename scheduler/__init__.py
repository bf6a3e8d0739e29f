"""The scheduler: durable write queue, retry policy, workers, periodic jobs, all on APScheduler 4.

How the others use it:
- the facade: `SchedulerRuntime.submit(WriteSubmission)` then `runtime.status.wait(...)`/`status(...)`, and mounts
  `admin_router(queue)` for the review list;
- the bot engine: implements `WriteExecutor` (and `SyncSource`, `HealthCheck`) and returns them from the
  `scheduler.components_factory` as a `WorkerComponents`;
- the audit store and local store: implement `RetentionTarget`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.admin_api import admin_router
    from scheduler.components import ComponentsNotConfigured, load_components
    from scheduler.executor import (
        ExistingRecord,
        HealthCheck,
        HealthReport,
        LeaseLost,
        RetentionTarget,
        SubmitGate,
        SyncSource,
        VerifiedWrite,
        WorkerComponents,
        WriteExecutor,
        WriteRequest,
    )
    from scheduler.idempotency import IdempotencyKey, idempotency_key
    from scheduler.notify import Alerts, LoggedAlerts, WebhookAlerts
    from scheduler.queue import InvalidTransition, WriteNotFound, WriteQueue
    from scheduler.records import WriteEvent, WriteRecord, WriteSubmission
    from scheduler.retry import Disposition, RetryDecision, RetryPolicy
    from scheduler.runtime import SchedulerRuntime
    from scheduler.settings import RetrySettings, SchedulerSettings, SourceLimits
    from scheduler.status import WriteStatusReport, WriteStatusService
    from scheduler.tables import WriteStatus

# Imported on first use, so that loading the configuration (which only needs `scheduler.settings`)
# does not pull in APScheduler, SQLAlchemy, FastAPI and the bot engine.
_EXPORTS = {
    "Alerts": "scheduler.notify",
    "ComponentsNotConfigured": "scheduler.components",
    "Disposition": "scheduler.retry",
    "ExistingRecord": "scheduler.executor",
    "HealthCheck": "scheduler.executor",
    "HealthReport": "scheduler.executor",
    "IdempotencyKey": "scheduler.idempotency",
    "InvalidTransition": "scheduler.queue",
    "LeaseLost": "scheduler.executor",
    "LoggedAlerts": "scheduler.notify",
    "RetentionTarget": "scheduler.executor",
    "RetryDecision": "scheduler.retry",
    "RetryPolicy": "scheduler.retry",
    "RetrySettings": "scheduler.settings",
    "SchedulerRuntime": "scheduler.runtime",
    "SchedulerSettings": "scheduler.settings",
    "SourceLimits": "scheduler.settings",
    "SubmitGate": "scheduler.executor",
    "SyncSource": "scheduler.executor",
    "VerifiedWrite": "scheduler.executor",
    "WebhookAlerts": "scheduler.notify",
    "WorkerComponents": "scheduler.executor",
    "WriteEvent": "scheduler.records",
    "WriteExecutor": "scheduler.executor",
    "WriteNotFound": "scheduler.queue",
    "WriteQueue": "scheduler.queue",
    "WriteRecord": "scheduler.records",
    "WriteRequest": "scheduler.executor",
    "WriteStatus": "scheduler.tables",
    "WriteStatusReport": "scheduler.status",
    "WriteStatusService": "scheduler.status",
    "WriteSubmission": "scheduler.records",
    "admin_router": "scheduler.admin_api",
    "idempotency_key": "scheduler.idempotency",
    "load_components": "scheduler.components",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scheduler' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "Alerts",
    "ComponentsNotConfigured",
    "Disposition",
    "ExistingRecord",
    "HealthCheck",
    "HealthReport",
    "IdempotencyKey",
    "InvalidTransition",
    "LeaseLost",
    "LoggedAlerts",
    "RetentionTarget",
    "RetryDecision",
    "RetryPolicy",
    "RetrySettings",
    "SchedulerRuntime",
    "SchedulerSettings",
    "SourceLimits",
    "SubmitGate",
    "SyncSource",
    "VerifiedWrite",
    "WebhookAlerts",
    "WorkerComponents",
    "WriteEvent",
    "WriteExecutor",
    "WriteNotFound",
    "WriteQueue",
    "WriteRecord",
    "WriteRequest",
    "WriteStatus",
    "WriteStatusReport",
    "WriteStatusService",
    "WriteSubmission",
    "admin_router",
    "idempotency_key",
    "load_components",
]

"""The scheduler: durable write queue, retry policy, workers, periodic jobs, all on APScheduler 4.

How the others use it:
- the facade: `SchedulerRuntime.submit(WriteSubmission)` then `runtime.status.wait(...)`/`status(...)`, and mounts
  `admin_router(queue)` for the review list;
- the bot engine: implements `WriteExecutor` (and `SyncSource`, `HealthCheck`) and returns them from the
  `scheduler.components_factory` as a `WorkerComponents`;
- the audit store and local store: implement `RetentionTarget`.
"""

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

"""Turn what the engine reports (RunInfo, StepRecord, RunResult) into chain payloads, and step payloads back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from audit.liveness import process_identity
from bots.errors import ErrorSummary
from bots.observer import Box, RunInfo, RunResult, StepRecord

MASK = "••••••"


def error_payload(error: ErrorSummary | None) -> dict[str, Any] | None:
    if error is None:
        return None
    context = {name: value for name, value in vars(error.context).items() if value is not None}
    return {"kind": error.kind, "message": error.message, "context": context}


@dataclass(frozen=True)
class RunStart:
    """A run's start as the trail keeps it: what the engine said, when the observer heard it, and in which process
    (so a run whose process died can be told from one still running: `audit.liveness`)."""

    info: RunInfo
    started_at: datetime
    process: str = field(default_factory=process_identity)


@dataclass(frozen=True)
class ResponseRecord:
    """What the facade answered for a run (status and FHIR body), kept next to the evidence of what the bot saw."""

    run_id: str
    status: int
    body: dict[str, Any] | None


def response_payload(response: ResponseRecord) -> dict[str, Any]:
    return {"status": response.status, "body": response.body}


def run_payload(start: RunStart) -> dict[str, Any]:
    run = start.info
    return {
        "started_at": start.started_at.isoformat(),
        "run_id": run.run_id,
        "source": run.source,
        "interaction": run.interaction,
        "kind": str(run.kind),
        "resource_type": run.resource_type,
        "resource_id": run.resource_id,
        "patient_id": run.patient_id,
        "client_id": run.client_id,
        "scopes": list(run.scopes),
        "job_id": run.job_id,
        "request_summary": run.request_summary,
        "process": start.process,
    }


def step_payload(step: StepRecord) -> dict[str, Any]:
    """Everything about a step but its screenshot (which the chain covers by hash); secrets never stored."""
    box = step.box
    return {
        "index": step.index,
        "action": step.action,
        "started_at": step.started_at.isoformat(),
        "duration_ms": round(step.duration_ms, 3),
        "outcome": str(step.outcome),
        "screen": step.screen,
        "field_name": step.field_name,
        "locator_kind": step.locator_kind,
        "locator_rank": step.locator_rank,
        "locator_description": step.locator_description,
        "box": None if box is None else [box.x, box.y, box.width, box.height],
        "value": MASK if step.value_masked and step.value is not None else step.value,
        "value_masked": step.value_masked,
        "ocr_confidence": step.ocr_confidence,
        "error": error_payload(step.error),
    }


def result_payload(result: RunResult) -> dict[str, Any]:
    return {
        "run_id": result.run_id,
        "succeeded": result.succeeded,
        "finished_at": result.finished_at.isoformat(),
        "error": error_payload(result.error),
        "resource_type": result.resource_type,
        "resource_id": result.resource_id,
        "response_summary": result.response_summary,
    }


@dataclass(frozen=True)
class StepView:
    """A stored step as the console and the export show it; `purged` steps have only their hashes left."""

    seq: int
    record_hash: str
    screenshot_sha256: str | None
    purged: bool
    index: int | None = None
    action: str | None = None
    started_at: str | None = None
    duration_ms: float | None = None
    outcome: str | None = None
    screen: str | None = None
    field_name: str | None = None
    locator_kind: str | None = None
    locator_rank: int | None = None
    locator_description: str | None = None
    box: Box | None = None
    value: str | None = None
    value_masked: bool = False
    ocr_confidence: float | None = None
    error_kind: str | None = None
    error_message: str | None = None

    @property
    def label(self) -> str:
        """The annotation text: action, field, and which locator found it."""
        parts = [self.action or "step"]
        if self.field_name:
            parts.append(self.field_name)
        if self.locator_kind:
            rank = f" #{self.locator_rank}" if self.locator_rank is not None else ""
            parts.append(f"[{self.locator_kind}{rank}]")
        return " ".join(parts)


def step_view(seq: int, record_hash: str, screenshot_sha256: str | None, payload: dict[str, Any] | None) -> StepView:
    if payload is None:
        return StepView(seq=seq, record_hash=record_hash, screenshot_sha256=screenshot_sha256, purged=True)
    box = payload.get("box")
    error = payload.get("error") or {}
    return StepView(
        seq=seq,
        record_hash=record_hash,
        screenshot_sha256=screenshot_sha256,
        purged=False,
        index=payload.get("index"),
        action=payload.get("action"),
        started_at=payload.get("started_at"),
        duration_ms=payload.get("duration_ms"),
        outcome=payload.get("outcome"),
        screen=payload.get("screen"),
        field_name=payload.get("field_name"),
        locator_kind=payload.get("locator_kind"),
        locator_rank=payload.get("locator_rank"),
        locator_description=payload.get("locator_description"),
        box=None if box is None else Box(*box),
        value=payload.get("value"),
        value_masked=bool(payload.get("value_masked")),
        ocr_confidence=payload.get("ocr_confidence"),
        error_kind=error.get("kind"),
        error_message=error.get("message"),
    )

"""One self-contained HTML evidence file per run: annotated screenshots, step detail and the chain proof.

The file needs no network: screenshots are data URIs (decrypted only into this file), styles and the
re-check script are inline and a Content-Security-Policy allows nothing else. Everything is escaped by Jinja2.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape

from audit.annotate import annotate, neighbour_boxes
from audit.blobstore import ScreenshotMismatch, ScreenshotMissing
from audit.chain import __doc__ as CHAIN_RULES
from audit.fhir_resources import audit_event_for, provenance_for
from audit.records import StepView, step_view
from audit.runs import interrupted_runs
from audit.schema import ChainRecord, Run
from audit.trail import AuditTrail
from audit.verify import VerificationReport, verify_trail

_environment = Environment(
    loader=PackageLoader("audit", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


class RunNotFound(LookupError):
    """No run with this id is in the trail."""


@dataclass(frozen=True)
class ExportedStep:
    view: StepView
    annotated_uri: str | None
    original_uri: str | None
    problem: str | None


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _steps(trail: AuditTrail, records: list[ChainRecord]) -> list[ExportedStep]:
    exported: list[ExportedStep] = []
    views = [
        step_view(record.seq, record.record_hash, record.screenshot_sha256, _payload(record))
        for record in records
        if record.kind == "step"
    ]
    for view in views:
        if view.purged or view.screenshot_sha256 is None:
            exported.append(ExportedStep(view, None, None, None))
            continue
        try:
            png = trail.screenshots.get(view.screenshot_sha256)
        except (ScreenshotMissing, ScreenshotMismatch) as error:
            exported.append(ExportedStep(view, None, None, str(error)))
            continue
        exported.append(
            ExportedStep(view, _data_uri(annotate(png, view, neighbour_boxes(views, view))), _data_uri(png), None)
        )
    return exported


def _payload(record: ChainRecord) -> dict[str, object] | None:
    return None if record.payload is None else dict(json.loads(record.payload))


def _proof(records: list[ChainRecord]) -> list[dict[str, object]]:
    return [
        {
            "seq": record.seq,
            "kind": record.kind,
            "run_id": record.run_id,
            "recorded_at": record.recorded_at,
            "payload": record.payload,
            "payload_sha256": record.payload_sha256,
            "screenshot_sha256": record.screenshot_sha256,
            "prev_hash": record.prev_hash,
            "record_hash": record.record_hash,
        }
        for record in records
    ]


def render_run_html(
    run: Run,
    records: list[ChainRecord],
    steps: list[ExportedStep],
    report: VerificationReport,
    viewer: str,
    response: tuple[int, str] | None = None,
    interrupted: bool = False,
) -> str:
    closing = next((record.record_hash for record in records if record.kind == "run-finished"), None)
    audit_event = audit_event_for(run, closing).model_dump_json(exclude_none=True, indent=2)
    provenance = provenance_for(run, closing)
    template = _environment.get_template("export.html")
    script = resources.files("audit").joinpath("templates/recheck.js").read_text(encoding="utf-8")
    return template.render(
        run=run,
        steps=steps,
        proof=_proof(records),
        report=report,
        viewer=viewer,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        audit_event=audit_event,
        provenance=provenance.model_dump_json(exclude_none=True, indent=2) if provenance else None,
        response=response,
        interrupted=interrupted,
        chain_rules=CHAIN_RULES,
        script=script,
        script_hash=base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii"),
    )


def export_run_html(trail: AuditTrail, run_id: str, viewer: str) -> str:
    """The evidence file for `run_id`; the export is recorded in the chain as a view by `viewer`."""
    run = trail.run(run_id)
    if run is None:
        raise RunNotFound(run_id)
    trail.record_view(viewer, [run_id], "export")
    records = trail.run_records(run_id)
    report = verify_trail(trail, screenshots_of=[run_id])
    steps = _steps(trail, records)
    interrupted = bool(interrupted_runs(trail, [run]))
    return render_run_html(run, records, steps, report, viewer, recorded_response(trail, run_id), interrupted)


def recorded_response(trail: AuditTrail, run_id: str) -> tuple[int, str] | None:
    """The facade's answer for a run as (status, indented JSON), for display."""
    recorded = trail.response(run_id)
    return None if recorded is None else (recorded[0], json.dumps(recorded[1], indent=2, ensure_ascii=False))

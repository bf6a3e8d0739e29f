"""AuditEvent (IHE BALP style) for every run and Provenance for every written resource, built from the trail.

They are derived on demand from the run index and the chain, never stored separately, so they cannot disagree
with the evidence. Codes: audit-event-type `rest` with a restful-interaction subtype, DICOM agent roles
(110153 source = the client, 110152 destination = the facade, 110150 application = the bot, only when a bot ran:
an interaction the facade answered itself, from its local store, names no bot), the patient as a Person/Patient
entity, outcome 0/4/8/12.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.provenance import Provenance

from audit.schema import Run, as_utc
from bots.observer import RunKind

DICOM = "http://dicom.nema.org/resources/ontology/DCM"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction"
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
CLIENT_ID_SYSTEM = "urn:retrofhir:client-id"
RUN_ID_SYSTEM = "urn:retrofhir:audit-run"
CHAIN_SYSTEM = "urn:retrofhir:audit-chain-record"
JOB_ID_SYSTEM = "urn:retrofhir:write-job"

# interaction suffix -> (restful-interaction code, AuditEvent.action)
_INTERACTIONS = {
    "read": ("read", "R"),
    "vread": ("vread", "R"),
    "search": ("search-type", "E"),
    "search-type": ("search-type", "E"),
    "create": ("create", "C"),
    "update": ("update", "U"),
}
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def fhir_id(run_id: str) -> str:
    """The run id when it is a valid FHIR id, else a stable hash of it."""
    return run_id if _FHIR_ID.match(run_id) else hashlib.sha256(run_id.encode()).hexdigest()[:64]


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def _agents(run: Run, client: str, bot_ran: bool) -> list[dict[str, object]]:
    """The client that asked, the facade that answered and, when one ran, the bot that read the screens."""
    agents: list[dict[str, object]] = [
        {
            "type": {"coding": [_coding(DICOM, "110153", "Source Role ID")]},
            "who": {"identifier": {"system": CLIENT_ID_SYSTEM, "value": client}, "display": client},
            "requestor": True,
            **({"policy": [f"urn:retrofhir:scope:{scope}" for scope in run.scopes.split()]} if run.scopes else {}),
        },
        {
            "type": {"coding": [_coding(DICOM, "110152", "Destination Role ID")]},
            "who": {"display": f"RetroFHIR facade /fhir/{run.source}"},
            "requestor": False,
        },
    ]
    if bot_ran:
        agents.append(
            {
                "type": {"coding": [_coding(DICOM, "110150", "Application")]},
                "who": {"display": f"RetroFHIR bot for {run.source}"},
                "requestor": False,
            }
        )
    return agents


def audit_event_for(run: Run, last_record_hash: str | None = None, interrupted: bool = False) -> AuditEvent:
    """The BALP-style AuditEvent of one run; `last_record_hash` is the chain record that closes the run. A run
    `interrupted` (its process ended first: `audit.runs.interrupted_runs`) is a serious failure with no end."""
    suffix = run.interaction.rsplit(".", 1)[-1]
    subtype, action = _INTERACTIONS.get(suffix, (None, "E"))
    started = as_utc(run.started_at).isoformat()
    finished = as_utc(run.finished_at).isoformat() if run.finished_at else None
    client = run.client_id or "unknown"
    entities: list[dict[str, object]] = []
    if run.patient_id:
        entities.append(
            {
                "what": {"reference": f"Patient/{run.patient_id}"},
                "type": _coding(ENTITY_TYPE, "1", "Person"),
                "role": _coding(OBJECT_ROLE, "1", "Patient"),
            }
        )
    data_type = run.written_resource_type or run.resource_type
    data_id = run.written_resource_id or run.resource_id
    if data_type and data_id and f"{data_type}/{data_id}" != f"Patient/{run.patient_id}":
        entities.append(
            {
                "what": {"reference": f"{data_type}/{data_id}"},
                "type": _coding(ENTITY_TYPE, "2", "System Object"),
                "role": _coding(OBJECT_ROLE, "4", "Domain Resource"),
            }
        )
    if subtype == "search-type" and run.request_summary:
        entities.append(
            {
                "type": _coding(ENTITY_TYPE, "2", "System Object"),
                "role": _coding(OBJECT_ROLE, "24", "Query"),
                "query": base64.b64encode(run.request_summary.encode()).decode(),
            }
        )
    bot_ran = run.kind != RunKind.FACADE
    evidence: dict[str, object] = {
        "what": {"identifier": {"system": RUN_ID_SYSTEM, "value": run.run_id}},
        "type": _coding(ENTITY_TYPE, "2", "System Object"),
        "description": (
            f"bot run of {run.step_count} steps with screenshots in the RetroFHIR audit trail"
            if bot_ran
            else "answered by the RetroFHIR facade without a bot run (no screen was touched); in the audit trail"
        ),
    }
    if last_record_hash:
        evidence["detail"] = [{"type": "chain-record-hash", "valueString": last_record_hash}]
    entities.append(evidence)
    resource: dict[str, object] = {
        "resourceType": "AuditEvent",
        "id": fhir_id(run.run_id),
        "type": _coding(AUDIT_EVENT_TYPE, "rest", "RESTful Operation"),
        "action": action,
        "period": {"start": started, **({"end": finished} if finished else {})},
        "recorded": finished or started,
        "agent": _agents(run, client, bot_ran),
        "source": {
            "site": run.source,
            "observer": {"display": "RetroFHIR"},
            "type": [_coding(SOURCE_TYPE, "4", "Application Server")],
        },
        "entity": entities,
    }
    if subtype:
        resource["subtype"] = [_coding(RESTFUL_INTERACTION, subtype)]
    if run.outcome_code is not None:
        resource["outcome"] = run.outcome_code
        if run.error_kind:
            resource["outcomeDesc"] = f"{run.error_kind}: {run.error_message or ''}".strip()
    elif interrupted:
        resource["outcome"] = "8"
        resource["outcomeDesc"] = "interrupted: the process running the bot ended before the run did"
    return AuditEvent.model_validate(resource)


def provenance_for(run: Run, last_record_hash: str | None = None) -> Provenance | None:
    """The Provenance of the resource a write run wrote, pointing at the run's AuditEvent and chain evidence."""
    if not (run.written_resource_type and run.written_resource_id and run.finished_at):
        return None
    operation = "CREATE" if run.interaction.endswith(".create") else "UPDATE"
    client = run.client_id or "unknown"
    entities: list[dict[str, object]] = [{"role": "source", "what": {"reference": f"AuditEvent/{fhir_id(run.run_id)}"}}]
    if last_record_hash:
        entities.append({"role": "source", "what": {"identifier": {"system": CHAIN_SYSTEM, "value": last_record_hash}}})
    if run.job_id:
        entities.append({"role": "source", "what": {"identifier": {"system": JOB_ID_SYSTEM, "value": run.job_id}}})
    resource: dict[str, object] = {
        "resourceType": "Provenance",
        "id": fhir_id(run.run_id),
        "target": [{"reference": f"{run.written_resource_type}/{run.written_resource_id}"}],
        "occurredPeriod": {"start": as_utc(run.started_at).isoformat(), "end": as_utc(run.finished_at).isoformat()},
        "recorded": as_utc(run.finished_at).isoformat(),
        "activity": {"coding": [_coding(DATA_OPERATION, operation)]},
        "agent": [
            {
                "type": {"coding": [_coding(PARTICIPANT_TYPE, "author", "Author")]},
                "who": {"identifier": {"system": CLIENT_ID_SYSTEM, "value": client}, "display": client},
            },
            {
                "type": {"coding": [_coding(PARTICIPANT_TYPE, "performer", "Performer")]},
                "who": {"display": f"RetroFHIR bot for {run.source} (run {run.run_id})"},
            },
        ],
        "entity": entities,
    }
    return Provenance.model_validate(resource)

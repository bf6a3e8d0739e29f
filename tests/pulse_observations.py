"""Heart-rate Observations as a FHIR client sends them: the write the integration tests and the worker proofs queue."""

from __future__ import annotations

from typing import Any


def pulse_observation(mrn: str, effective: str, beats: int, identifier: str | None = None) -> dict[str, Any]:
    """A final vital-signs pulse of `beats`/min for Patient `mrn` at `effective`, with a monitor's identifier if given.

    Every call builds a new resource: callers may change theirs.
    """
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}
                ]
            }
        ],
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}]},
        "subject": {"reference": f"Patient/{mrn}"},
        "effectiveDateTime": effective,
        "valueQuantity": {
            "value": beats,
            "unit": "beats/minute",
            "system": "http://unitsofmeasure.org",
            "code": "/min",
        },
    }
    if identifier is not None:
        observation["identifier"] = [{"system": "urn:example:bedside-monitor", "value": identifier}]
    return observation

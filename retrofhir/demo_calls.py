"""The FHIR calls `retrofhir demo` makes end to end, and how their results are shown.

Each call is a real HTTP request to the running facade; a call "fails" when the status is not the one expected
or the answer lacks what the next call needs. The vital-sign POST counts the practice EHR's own database rows
before and after, and posts the same Observation again to show that a repeated write lands only once.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

FHIR_JSON = "application/fhir+json"
RowCounter = Callable[[str], int]
# A write still running when the facade stops waiting is followed through its status link this long.
WRITE_POLL_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class CallResult:
    """One FHIR call: what was asked, the HTTP status, whether it was what the demo expects, and what came back."""

    method: str
    path: str
    status: int
    ok: bool
    summary: str


def vital_sign(patient_id: str, when: datetime, pounds: float) -> dict[str, Any]:
    """A body-weight Observation in US customary units, as a scale at the front desk would send it."""
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "vital-signs",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body weight"}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:00Z"),
        "valueQuantity": {"value": pounds, "unit": "lb", "system": "http://unitsofmeasure.org", "code": "[lb_av]"},
    }


def _entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle.get("entry", []) if "resource" in entry]


def _patient_summary(patient: dict[str, Any]) -> str:
    name = patient.get("name", [{}])[0]
    return f"{name.get('family', '')}, {' '.join(name.get('given', []))}; born {patient.get('birthDate', '?')}"


def _diagnostics(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    issues = body.get("issue", []) if isinstance(body, dict) else []
    return "; ".join(str(issue.get("diagnostics", issue.get("code", ""))) for issue in issues)[:300]


class DemoCalls:
    """Runs the demo's calls against one FHIR base and collects their results."""

    def __init__(self, client: httpx.Client, base: str, count_vitals: RowCounter) -> None:
        self.client = client
        self.base = base.rstrip("/")
        self.count_vitals = count_vitals
        self.results: list[CallResult] = []

    def _call(self, method: str, path: str, expected: int, **kwargs: Any) -> httpx.Response:
        response = self.client.request(method, f"{self.base}{path}", **kwargs)
        ok = response.status_code == expected
        self.results.append(CallResult(method, path, response.status_code, ok, "" if ok else _diagnostics(response)))
        return response

    def _note(self, summary: str, ok: bool = True) -> None:
        last = self.results[-1]
        self.results[-1] = CallResult(last.method, last.path, last.status, last.ok and ok, summary)

    def run(self) -> bool:
        """Every call in order; stops early when a later call needs what an earlier one did not give."""
        metadata = self._call("GET", "/metadata", 200)
        if metadata.is_success:
            body = metadata.json()
            types = [resource["type"] for rest in body.get("rest", []) for resource in rest.get("resource", [])]
            self._note(f"FHIR {body.get('fhirVersion')}, {len(types)} resource types: {', '.join(types)}")
        search = self._call("GET", "/Patient?family=smith&_count=5", 200)
        patients = _entries(search.json()) if search.is_success else []
        if not search.is_success:
            return False
        self._note(
            f"{len(patients)} patients on the first page: {', '.join(p['id'] for p in patients)}", bool(patients)
        )
        if not patients:
            return False
        patient_id = str(patients[0]["id"])
        read = self._call("GET", f"/Patient/{patient_id}", 200)
        if read.is_success:
            self._note(_patient_summary(read.json()))
        vitals = self._call("GET", f"/Observation?patient={patient_id}&category=vital-signs&_count=50", 200)
        if vitals.is_success:
            self._note(f"{len(_entries(vitals.json()))} vital-sign Observations")
        self._post_vital_sign(patient_id)
        return all(result.ok for result in self.results)

    def run_reads(self, patient_id: str, search: str) -> bool:
        """The read side only: metadata, a Patient search and a Patient read (for a slower, OCR-driven source)."""
        metadata = self._call("GET", "/metadata", 200)
        if metadata.is_success:
            self._note(f"{metadata.json().get('title', '')}")
        found = self._call("GET", f"/Patient?{search}", 200)
        if found.is_success:
            ids = ", ".join(str(patient["id"]) for patient in _entries(found.json()))
            self._note(f"patients: {ids}", bool(ids))
        read = self._call("GET", f"/Patient/{patient_id}", 200)
        if read.is_success:
            name = read.json().get("name", [{}])[0]
            self._note(
                f"{name.get('family', '')}, {' '.join(name.get('given', []))}; born {read.json().get('birthDate')}"
            )
        return all(result.ok for result in self.results)

    def _post(self, resource: dict[str, Any]) -> httpx.Response:
        """POST a resource; when the facade answers 202 (the write outlived its wait), poll its status link."""
        path = f"/{resource['resourceType']}"
        response = self.client.post(f"{self.base}{path}", json=resource, headers={"Content-Type": FHIR_JSON})
        deadline = time.monotonic() + WRITE_POLL_TIMEOUT_S
        while response.status_code == 202 and time.monotonic() < deadline:
            time.sleep(0.5)
            response = self.client.get(response.headers["Content-Location"])
        status = response.status_code
        if status == 200 and response.json().get("resourceType") == "Bundle":
            entry = response.json()["entry"][0]
            status = int(entry["response"]["status"].split()[0])
            response = httpx.Response(status, json=entry["resource"])
        ok = status == 201
        self.results.append(CallResult("POST", path, status, ok, "" if ok else _diagnostics(response)))
        return response

    def _post_vital_sign(self, patient_id: str) -> None:
        observation = vital_sign(patient_id, datetime.now(UTC), 172.4)
        before = self.count_vitals(patient_id)
        created = self._post(observation)
        after = self.count_vitals(patient_id)
        if created.status_code == 201:
            landed = after == before + 1
            self._note(f"{created.json().get('id')}; EHR vitals rows {before} -> {after}", landed)
        again = self._post(observation)
        repeated = self.count_vitals(patient_id)
        if again.status_code == 201:
            self._note(
                f"same write again: EHR vitals rows {after} -> {repeated} (not written twice)", repeated == after
            )


def curl_commands(base: str, patient_id: str = "0100046") -> list[str]:
    """Ready-to-run curl commands against one FHIR base, for a shell where TOKEN holds an access token."""
    auth = '"Authorization: Bearer $TOKEN"'
    body = json.dumps(vital_sign(patient_id, datetime.now(UTC), 172.4), separators=(",", ":"))
    return [
        f"curl -s {base}/metadata",
        f"curl -s -H {auth} '{base}/Patient?family=smith&_count=5'",
        f"curl -s -H {auth} {base}/Patient/{patient_id}",
        f"curl -s -H {auth} '{base}/Observation?patient={patient_id}&category=vital-signs'",
        f"curl -s -H {auth} -H 'Content-Type: {FHIR_JSON}' -X POST {base}/Observation -d {shlex.quote(body)}",
    ]

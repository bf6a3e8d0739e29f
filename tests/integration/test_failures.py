"""Legacy trouble as FHIR sees it: UI drift the map cannot follow is 502, a legacy system that is down is 503."""

from __future__ import annotations

import httpx

from practice_ehrs.legacy_web.runner import LegacyWebServer
from tests.integration.system import RunningSystem

LIVE = {"Cache-Control": "no-cache"}


def test_ui_drift_the_map_cannot_follow_is_502_while_the_full_map_still_reads(
    system: RunningSystem, legacy_web: LegacyWebServer
) -> None:
    legacy_web.set_knobs(ui_version=2)
    try:
        drifted = httpx.get(
            f"{system.fhir('legacy-web-v1')}/Patient/0100164", headers={**system.headers, **LIVE}, timeout=120
        )
        followed = httpx.get(f"{system.fhir()}/Patient/0100164", headers={**system.headers, **LIVE}, timeout=120)
    finally:
        legacy_web.set_knobs(ui_version=1)
    assert drifted.status_code == 502, drifted.text
    outcome = drifted.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert "ElementNotFound" in outcome["issue"][0]["diagnostics"]
    assert "Nguyen" not in drifted.text
    assert followed.status_code == 200, followed.text
    assert followed.json()["name"][0]["family"] == "Nguyen"


def test_a_legacy_system_that_is_down_is_503_with_retry_after(system: RunningSystem) -> None:
    response = httpx.get(f"{system.fhir('legacy-web-down')}/Patient/0100046", headers=system.headers, timeout=120)
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "transient"

"""The bots.errors → HTTP table, exercised end to end: the provider raises what a bot would, the client sees HTTP."""

from __future__ import annotations

import httpx
import pytest

from bots import errors
from fhir_facade.bot_errors import BOT_ERROR_HTTP, error_class_named, mapping_for
from tests.fhir_facade.server import RunningFacade

FHIR_JSON = {"Content-Type": "application/fhir+json"}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.RecordNotFound("no such chart"), 404, "not-found"),
        (errors.ElementNotFound("field gone", screen="chart", locator="#dob"), 502, "exception"),
        (errors.ScreenNotRecognized("unknown screen"), 502, "exception"),
        (errors.SeatsExhausted("all seats in use", retry_after_seconds=42), 503, "transient"),
        (errors.LegacyUnreachable("connection refused"), 503, "transient"),
        (errors.StepTimeout("chart never appeared"), 504, "timeout"),
    ],
)
def test_read_failures_map_to_http(
    facade: RunningFacade, http: httpx.Client, error: errors.BotError, status: int, code: str
) -> None:
    facade.provider.fail_next("read", error)
    response = http.get("/AllergyIntolerance/allergy-2", headers={"Cache-Control": "no-cache"})
    assert response.status_code == status
    issue = response.json()["issue"][0]
    assert issue["code"] == code
    assert type(error).__name__ in issue["diagnostics"]
    if status == 503:
        expected = "42" if isinstance(error, errors.SeatsExhausted) else "30"
        assert response.headers["retry-after"] == expected


def test_search_failures_map_to_http(facade: RunningFacade, http: httpx.Client) -> None:
    facade.provider.fail_next("search", errors.AmbiguousElement("two result grids"))
    response = http.get("/Patient", params={"family": "smith"})
    assert response.status_code == 502


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.LegacyValidationError("the legacy form said: invalid date"), 422),
        (errors.InputRejected("control character in a name"), 422),
        (errors.DuplicateRecord("already registered"), 409),
    ],
)
def test_write_failures_map_to_http(
    facade: RunningFacade, http: httpx.Client, error: errors.BotError, status: int
) -> None:
    facade.provider.fail_next("create", error)
    response = http.post(
        "/Patient", json={"resourceType": "Patient", "name": [{"family": type(error).__name__}]}, headers=FHIR_JSON
    )
    assert response.status_code == status
    assert response.json()["resourceType"] == "OperationOutcome"


def test_an_unverified_write_is_500_with_its_status_link(facade: RunningFacade, http: httpx.Client) -> None:
    facade.provider.fail_next("create", errors.WriteOutcomeUnknown("crashed between submit and read-back"))
    body = {"resourceType": "Patient", "name": [{"family": "Unverified"}], "birthDate": "1970-01-01"}
    response = http.post("/Patient", json=body, headers=FHIR_JSON)
    assert response.status_code == 500
    status_url = response.headers["content-location"]
    assert status_url in response.json()["issue"][0]["diagnostics"]
    status = http.get(status_url)
    assert status.status_code == 500
    assert "WriteOutcomeUnknown" in status.json()["issue"][0]["diagnostics"]


def test_the_table_covers_the_tree() -> None:
    assert mapping_for(errors.SessionExpired).status == 503
    assert mapping_for(errors.WriteOutcomeUnknown).status == 500
    assert mapping_for(errors.ScreenMapError).status == 500
    assert error_class_named("SeatsExhausted") is errors.SeatsExhausted
    assert error_class_named("NoSuchError") is errors.BotError
    assert all(issubclass(klass, errors.BotError) for klass in BOT_ERROR_HTTP)

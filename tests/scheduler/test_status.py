"""The facade's status view: pending, done with the verified resource, or an OperationOutcome-worthy reason."""

from __future__ import annotations

import pytest

from bots.errors import DuplicateRecord, LegacyValidationError, WriteOutcomeUnknown
from scheduler import WriteStatus, WriteStatusService
from tests.scheduler.conftest import QueueBench

pytestmark = pytest.mark.anyio


async def test_a_pending_write_is_reported_pending_when_the_wait_runs_out(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    report = await WriteStatusService(bench.queue, poll_interval_seconds=0.01).wait(write_id, timeout_seconds=0.05)

    assert report is not None
    assert report.status == WriteStatus.QUEUED
    assert not report.done
    assert report.issue_code is None
    assert report.resource is None


async def test_a_succeeded_write_carries_the_verified_resource_and_legacy_key(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    await bench.worker().process(write_id)
    report = await WriteStatusService(bench.queue).wait(write_id, timeout_seconds=5)

    assert report is not None
    assert report.done
    assert report.issue_code is None
    assert report.legacy_key is not None
    assert report.resource is not None
    assert report.resource["identifier"][0]["value"] == "obs-1"


@pytest.mark.parametrize(
    ("error", "stage", "issue_code"),
    [
        (LegacyValidationError("rejected"), "fill", "business-rule"),
        (DuplicateRecord("exists"), "fill", "duplicate"),
        (WriteOutcomeUnknown("no read-back"), "submitted", "incomplete"),
    ],
)
async def test_a_write_that_did_not_land_has_an_issue_code_and_a_reason(
    bench: QueueBench, error: Exception, stage: str, issue_code: str
) -> None:
    write_id = await bench.submit("obs-1")
    bench.faults.add("obs-1", stage, error)
    await bench.worker().process(write_id)
    report = await WriteStatusService(bench.queue).status(write_id)

    assert report is not None
    assert report.done
    assert report.issue_code == issue_code
    assert report.reason is not None
    assert report.reason.startswith(type(error).__name__)


async def test_an_unknown_write_id_has_no_status(bench: QueueBench) -> None:
    assert await WriteStatusService(bench.queue).status("no-such-write") is None

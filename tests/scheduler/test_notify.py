"""Alert webhooks against a real HTTP server: retried until delivered, never raising when it stays down."""

from __future__ import annotations

import pytest

from bots.errors import LegacyValidationError
from scheduler import WebhookAlerts, WriteStatus
from tests.scheduler.conftest import QueueBench
from tests.scheduler.processes import free_port
from tests.scheduler.webhook_receiver import webhook_receiver

pytestmark = pytest.mark.anyio


async def test_a_dead_lettered_write_is_posted_without_patient_data(bench: QueueBench) -> None:
    write_id = await bench.submit("obs-1")
    bench.faults.add("obs-1", "fill", LegacyValidationError("value rejected", screen="vitals"))
    await bench.worker().process(write_id)
    record = await bench.queue.get(write_id)

    with webhook_receiver() as receiver:
        await WebhookAlerts(receiver.url).write_needs_review(record)

    [payload] = receiver.events("write.failed")
    assert payload["write_id"] == write_id
    assert payload["status"] == WriteStatus.FAILED
    assert payload["reason"] == "LegacyValidationError: value rejected (screen=vitals)"
    assert "obs-1" not in str(payload)
    assert "98.6" not in str(payload)


async def test_delivery_is_retried_after_server_errors() -> None:
    with webhook_receiver(failures=2) as receiver:
        delivered = await WebhookAlerts(receiver.url, attempts=4, first_delay_seconds=0.01).post({"event": "x"})
    assert delivered
    assert receiver.attempts == 3
    assert receiver.received == [{"event": "x"}]


async def test_an_unreachable_webhook_gives_up_quietly() -> None:
    alerts = WebhookAlerts(f"http://127.0.0.1:{free_port()}/alerts", attempts=2, first_delay_seconds=0.01)
    assert not await alerts.post({"event": "x"})

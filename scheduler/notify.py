"""Alert webhooks: a JSON POST, retried with backoff, when a write needs a person or a health check changes state.

Payloads carry ids, names, states and PHI-free reasons only. A webhook that stays down is logged, never raised:
alerting must not break the queue.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import anyio
import httpx

from scheduler.records import WriteRecord

logger = logging.getLogger(__name__)


class Alerts(Protocol):
    async def write_needs_review(self, record: WriteRecord) -> None: ...

    async def health_changed(self, name: str, previous: str | None, state: str, detail: str) -> None: ...


def write_alert_payload(record: WriteRecord) -> dict[str, Any]:
    return {
        "event": f"write.{record.status}",
        "write_id": record.id,
        "source": record.source,
        "interaction": record.interaction,
        "status": str(record.status),
        "attempts": record.attempts,
        "error_kind": record.error_kind,
        "reason": record.reason,
    }


class WebhookAlerts:
    """POSTs alerts to one URL; `transport` lets tests and embedders supply their own httpx transport."""

    def __init__(
        self,
        url: str,
        attempts: int = 4,
        first_delay_seconds: float = 0.5,
        timeout_seconds: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self.attempts = attempts
        self.first_delay_seconds = first_delay_seconds
        self.timeout_seconds = timeout_seconds
        self.transport = transport

    async def write_needs_review(self, record: WriteRecord) -> None:
        await self.post(write_alert_payload(record))

    async def health_changed(self, name: str, previous: str | None, state: str, detail: str) -> None:
        await self.post(
            {"event": "health.changed", "check": name, "previous": previous, "state": state, "detail": detail}
        )

    async def post(self, payload: dict[str, Any]) -> bool:
        """Deliver one alert; True once the receiver answered 2xx, False after the last failed attempt."""
        delay = self.first_delay_seconds
        async with httpx.AsyncClient(timeout=self.timeout_seconds, transport=self.transport) as client:
            for attempt in range(1, self.attempts + 1):
                try:
                    response = await client.post(self.url, json=payload)
                    if response.is_success:
                        return True
                    problem = f"HTTP {response.status_code}"
                except httpx.HTTPError as error:
                    problem = type(error).__name__
                logger.warning(
                    "alert %s not delivered (attempt %d/%d): %s", payload["event"], attempt, self.attempts, problem
                )
                if attempt < self.attempts:
                    await anyio.sleep(delay)
                    delay *= 2
        return False


class LoggedAlerts:
    """Alerts when no webhook is configured: a warning line each, which is all an operator gets."""

    async def write_needs_review(self, record: WriteRecord) -> None:
        logger.warning(
            "write %s (%s on %s) is %s: %s", record.id, record.interaction, record.source, record.status, record.reason
        )

    async def health_changed(self, name: str, previous: str | None, state: str, detail: str) -> None:
        logger.warning("health check %s changed from %s to %s: %s", name, previous, state, detail)

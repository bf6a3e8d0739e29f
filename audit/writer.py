"""A background thread that writes the trail, so a bot's step costs a queue put, not an encrypt and a commit.

Screenshots are encrypted and filed as they arrive; chain records are committed in arrival order, one transaction
per batch, a batch ending at a run's end, after LINGER_SECONDS, or at MAX_BATCH items. A full queue makes the
submitter wait rather than drop anything; `flush` and `close` wait for everything submitted. What a crash can lose
is what was not yet committed: at most LINGER_SECONDS of a run still in progress, never a finished run whose
end the observer awaited.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass

from audit.trail import AuditTrail, TrailItem
from bots.observer import RunResult, StepRecord

logger = logging.getLogger(__name__)

MAX_BATCH = 256
# Steps wait at most this long to be committed together with the rest of their run (one transaction per run).
LINGER_SECONDS = 0.5
# A locked or briefly unreachable database is retried before the batch's waiters are told it failed.
WRITE_ATTEMPTS = 4


@dataclass
class _Pending:
    item: TrailItem | None
    done: Future[None]


class TrailWriter:
    """Owns the only thread that appends bot records; views are appended directly by their readers."""

    def __init__(self, trail: AuditTrail, queue_size: int = 2000) -> None:
        self.trail = trail
        self._queue: queue.Queue[_Pending] = queue.Queue(maxsize=queue_size)
        self._closed = False
        self.failures = 0
        self._thread = threading.Thread(target=self._run, name="audit-trail-writer", daemon=True)
        self._thread.start()

    def submit(self, item: TrailItem) -> Future[None]:
        """Queue `item` (waiting only while the queue is full); the future completes when it is committed."""
        if self._closed:
            raise RuntimeError("audit trail writer is closed")
        pending = _Pending(item, Future())
        self._queue.put(pending)
        return pending.done

    def try_submit(self, item: TrailItem) -> Future[None] | None:
        """Queue `item` if there is room now; None when the caller has to wait (see `submit`)."""
        if self._closed:
            raise RuntimeError("audit trail writer is closed")
        pending = _Pending(item, Future())
        try:
            self._queue.put_nowait(pending)
        except queue.Full:
            return None
        return pending.done

    def flush(self) -> None:
        """Wait until everything submitted so far is committed."""
        marker = _Pending(None, Future())
        self._queue.put(marker)
        marker.done.result()

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        if self._closed:
            return
        self.flush()
        self._closed = True
        self._queue.put(_Pending(None, Future()))
        self._thread.join()

    def _run(self) -> None:
        pending: list[_Pending] = []
        deadline = 0.0
        while True:
            try:
                timeout = max(deadline - time.monotonic(), 0.0) if pending else None
                incoming = self._queue.get(timeout=timeout)
            except queue.Empty:
                self._write(pending)
                pending = []
                continue
            item = incoming.item
            if isinstance(item, StepRecord) and item.screenshot_png is not None:
                self._store_screenshot(item.screenshot_png)
            pending.append(incoming)
            if len(pending) == 1:
                deadline = time.monotonic() + LINGER_SECONDS
            if item is None or isinstance(item, RunResult) or len(pending) >= MAX_BATCH:
                self._write(pending)
                pending = []
                if item is None and self._closed:
                    return

    def _store_screenshot(self, png: bytes) -> None:
        """Encrypt and file a screenshot as soon as it arrives, so the run's end only waits for one commit.

        Failures are left to the batch write, which files it again (put is idempotent) and retries.
        """
        try:
            self.trail.screenshots.put(png)
        except Exception:
            logger.warning("audit screenshot could not be stored yet; the batch write will retry")

    def _write(self, batch: list[_Pending]) -> None:
        items = [pending.item for pending in batch if pending.item is not None]
        error: BaseException | None = None
        if items:
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                try:
                    self.trail.write(items)
                    error = None
                    break
                except Exception as failure:
                    # Never log the items: they hold patient data. The futures carry the failure to whoever waits.
                    logger.warning("audit trail write of %d items failed (attempt %d)", len(items), attempt)
                    error = failure
                    if attempt < WRITE_ATTEMPTS:
                        time.sleep(0.25 * attempt)
            if error is not None:
                self.failures += 1
                logger.error("audit trail lost %d items: %s", len(items), type(error).__name__)
        for pending in batch:
            if error is None:
                pending.done.set_result(None)
            else:
                pending.done.set_exception(error)

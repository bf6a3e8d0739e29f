"""A background thread that writes the trail, so a bot never waits on hashing, encryption or a commit mid-run.

Submitters hand over records (the observer sends each one as it happens); the thread writes whatever has queued up
in one transaction, in arrival order: a group commit, so many concurrent submitters (the facade's requests, each
awaiting `commit` before it answers) share one transaction and one chain-head update. A full queue makes the
submitter wait rather than drop anything; `flush` and `close` wait for everything submitted. A failed write is
retried (a locked or briefly unreachable database) before the waiters are told.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from audit.trail import AuditTrail, TrailItem

logger = logging.getLogger(__name__)

MAX_BATCH_ITEMS = 512
WRITE_ATTEMPTS = 4


@dataclass
class _Pending:
    items: Sequence[TrailItem]
    done: Future[None]
    stop: bool = False


class TrailWriter:
    """Owns the only thread that appends bot records; views are appended directly by their readers."""

    def __init__(self, trail: AuditTrail, queue_size: int = 2000) -> None:
        self.trail = trail
        self._queue: queue.Queue[_Pending] = queue.Queue(maxsize=queue_size)
        self._closed = False
        self.failures = 0
        self._thread = threading.Thread(target=self._run, name="audit-trail-writer", daemon=True)
        self._thread.start()

    def submit(self, items: Sequence[TrailItem]) -> Future[None]:
        """Queue `items` (waiting only while the queue is full); the future completes when they are committed."""
        if self._closed:
            raise RuntimeError("audit trail writer is closed")
        pending = _Pending(list(items), Future())
        self._queue.put(pending)
        return pending.done

    def try_submit(self, items: Sequence[TrailItem]) -> Future[None] | None:
        """Queue `items` if there is room now; None when the caller has to wait (see `submit`)."""
        if self._closed:
            raise RuntimeError("audit trail writer is closed")
        pending = _Pending(list(items), Future())
        try:
            self._queue.put_nowait(pending)
        except queue.Full:
            return None
        return pending.done

    async def commit(self, items: Sequence[TrailItem]) -> None:
        """Queue `items` from an event loop and wait, without blocking the loop, until the transaction that holds
        them has committed; a write that failed for good raises here."""
        done = self.try_submit(items)
        if done is None:
            done = await asyncio.to_thread(self.submit, items)
        await asyncio.wrap_future(done)

    def flush(self) -> None:
        """Wait until everything submitted so far is committed."""
        marker = _Pending([], Future())
        self._queue.put(marker)
        marker.done.result()

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_Pending([], Future(), stop=True))
        self._thread.join()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            size = len(batch[0].items)
            while size < MAX_BATCH_ITEMS and not batch[-1].stop:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
                size += len(batch[-1].items)
            self._write(batch)
            if batch[-1].stop:
                return

    def _write(self, batch: list[_Pending]) -> None:
        items = [item for pending in batch for item in pending.items]
        error: BaseException | None = None
        for attempt in range(1, WRITE_ATTEMPTS + 1) if items else ():
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

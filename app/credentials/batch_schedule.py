"""Reclaiming crashed batches: each server looks for batches whose runner stopped reporting.

A runner holds a batch through a lease it renews every chunk (`app.credentials.batch_runner`).
When its process dies the lease runs out, and some server must take the batch up again.
Looking only at startup is not enough: a supervisor that restarts a server within the lease
finds it still held, and nobody would look again. So each process runs one
`BatchReclaimSchedule` thread, started and stopped with the app: it resumes every batch
whose lease is free or expired at startup, then every `interval` (`NASSC_BATCH_RECLAIM_SECONDS`).
Several servers may look at once; a batch's lease goes to one of them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from app.credentials.batch_runner import BatchRunner
from app.db import utcnow

logger = logging.getLogger("app.batches")


class BatchReclaimSchedule:
    """A daemon thread that calls `BatchRunner.resume_all` at start, then every interval."""

    def __init__(
        self,
        runner: BatchRunner,
        *,
        interval_seconds: float,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._runner = runner
        self._interval = interval_seconds
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (its first pass runs at once)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="batch-reclaim", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60) -> None:
        """Stop looking; a batch being run stops between chunks if the runner is stopping."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=timeout)

    def run_once(self, now: datetime | None = None) -> list[str]:
        """One pass: resume every batch whose lease is free or expired at `now`."""
        return self._runner.resume_all(now=now or self._clock())

    def _pass(self) -> None:
        try:
            resumed = self.run_once()
        except Exception:  # a failed pass must not take the server down; the next one retries
            logger.exception("resuming batches failed")
            return
        if resumed:
            logger.info("batches resumed", extra={"batch_ids": resumed})

    def _run(self) -> None:
        self._pass()
        if self._interval <= 0:
            return
        while not self._stop.wait(self._interval):
            self._pass()

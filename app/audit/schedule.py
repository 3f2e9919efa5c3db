"""Periodic checkpoints: the chain head is signed on its own every `interval`.

Each process of the service runs one `CheckpointSchedule` thread (started and stopped with
the app). It wakes every minute at most and signs a checkpoint when one is due: something
was recorded since the last checkpoint (beyond that checkpoint's own event) and the last
checkpoint is at least `interval` old. Several processes may wake at the same time: each
checks under a lock on the chain head (`audit_service.lock_head`), so only one signs.

Checkpoints are only useful when exported (see `app.audit.checkpoints`): fetch them from
`GET /api/v1/admin/audit/checkpoints` into storage the database's writers cannot reach.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit import service as audit_service
from app.audit.checkpoints import CheckpointSigner, create_checkpoint
from app.audit.models import AuditCheckpoint
from app.db import utcnow
from app.errors import AppError

logger = logging.getLogger("app.audit")

MAX_SLEEP_SECONDS: Final = 60.0


def checkpoint_due(session: Session, *, now: datetime, interval: timedelta) -> bool:
    """Whether the head should be signed now (see the module docstring)."""
    head, _ = audit_service.head(session)
    if head == 0:
        return False  # nothing recorded yet
    last = session.execute(
        select(AuditCheckpoint.seq, AuditCheckpoint.created_at)
        .order_by(AuditCheckpoint.seq.desc())
        .limit(1)
    ).first()
    if last is None:
        return True
    seq, created_at = last
    return head > seq and now - created_at >= interval


def checkpoint_if_due(
    session: Session,
    *,
    signer: Callable[[Session], CheckpointSigner],
    now: datetime,
    interval: timedelta,
) -> AuditCheckpoint | None:
    """Sign the head if a checkpoint is due; the new checkpoint, or None."""
    audit_service.lock_head(session)  # so another process cannot sign the same head too
    if not checkpoint_due(session, now=now, interval=interval):
        return None
    return create_checkpoint(session, signer=signer(session), now=now)


class CheckpointSchedule:
    """A daemon thread that calls `checkpoint_if_due` in its own transactions."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        signer: Callable[[Session], CheckpointSigner],
        interval_seconds: float,
    ) -> None:
        self._sessions = sessions
        self._signer = signer
        self._interval = timedelta(seconds=interval_seconds)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return self._interval > timedelta(0)

    def start(self) -> None:
        if not self.enabled or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="audit-checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=30)

    def run_once(self) -> AuditCheckpoint | None:
        """One check, in one transaction (what the thread does each time it wakes)."""
        with self._sessions.begin() as session:
            checkpoint = checkpoint_if_due(
                session, signer=self._signer, now=utcnow(), interval=self._interval
            )
            if checkpoint is not None:
                logger.info("audit checkpoint at seq %d", checkpoint.seq)
            return checkpoint

    def _run(self) -> None:
        pause = min(self._interval.total_seconds(), MAX_SLEEP_SECONDS)
        while not self._stop.wait(pause):
            try:
                self.run_once()
            except AppError as error:  # e.g. no signing key yet: try again later
                logger.warning("no audit checkpoint: %s", error.detail or error.title)
            except Exception:
                logger.exception("the audit checkpoint failed")

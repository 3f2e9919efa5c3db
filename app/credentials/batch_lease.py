"""The lease through which one batch runner holds a batch.

A runner takes a batch only when nobody holds it or the holder's lease expired (a server
killed mid-batch), renews the lease in the transaction of every chunk it stores, and gives
it back when it stops or completes the batch. Several server processes can therefore resume
batches after a crash without two of them issuing the same rows.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.credentials.models import BatchStatus, CredentialBatch


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class BatchLease:
    """Leases of `seconds` held by one runner (`owner`: host, process and a random part)."""

    sessions: sessionmaker[Session]
    seconds: int
    owner: str = field(default_factory=_owner)

    def _free(self, now: datetime) -> ColumnElement[bool]:
        return or_(CredentialBatch.lease_owner.is_(None), CredentialBatch.lease_expires_at < now)

    def resumable(self, now: datetime) -> list[str]:
        """Unfinished batches whose lease is free or expired at `now`, oldest first."""
        with self.sessions() as session:
            return list(
                session.scalars(
                    select(CredentialBatch.id)
                    .where(CredentialBatch.status != BatchStatus.completed.value, self._free(now))
                    .order_by(CredentialBatch.created_at)
                )
            )

    def acquire(self, batch_id: str, now: datetime) -> bool:
        """Take (or keep) the batch and mark it running; False if another runner holds it."""
        with self.sessions.begin() as session:
            result = session.execute(
                update(CredentialBatch)
                .where(
                    CredentialBatch.id == batch_id,
                    CredentialBatch.status != BatchStatus.completed.value,
                    or_(self._free(now), CredentialBatch.lease_owner == self.owner),
                )
                .values(
                    lease_owner=self.owner,
                    lease_expires_at=now + timedelta(seconds=self.seconds),
                    status=BatchStatus.running.value,
                    updated_at=now,
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def renew(self, session: Session, batch_id: str, now: datetime) -> bool:
        """Extend the lease in the caller's transaction; False if it was lost meanwhile."""
        result = session.execute(
            update(CredentialBatch)
            .where(CredentialBatch.id == batch_id, CredentialBatch.lease_owner == self.owner)
            .values(lease_expires_at=now + timedelta(seconds=self.seconds), updated_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def release(self, batch_id: str, now: datetime, *, completed: bool = False) -> None:
        """Give the batch back (to be resumed later), or mark it `completed`."""
        done = {"status": BatchStatus.completed.value, "finished_at": now} if completed else {}
        with self.sessions.begin() as session:
            session.execute(
                update(CredentialBatch)
                .where(CredentialBatch.id == batch_id, CredentialBatch.lease_owner == self.owner)
                .values(lease_owner=None, lease_expires_at=None, updated_at=now, **done)
            )

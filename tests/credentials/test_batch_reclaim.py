"""A batch whose server was killed is reclaimed by a running server once its lease expires,
even when the server restarted before that (issue 12, defect 2)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.credentials.batch_schedule import BatchReclaimSchedule
from app.credentials.models import CredentialBatch
from app.db import utcnow
from tests.credentials.factories import assert_batch_issued_once, issuing_setup, queue_batch


def _left_by_a_killed_server(db: Session, batch_id: str, lease_seconds: int) -> datetime:
    """What SIGKILL leaves mid-batch: the batch running under the dead runner's lease."""
    now = utcnow()
    batch = db.get_one(CredentialBatch, batch_id)
    batch.status = "running"
    batch.lease_owner = "killed-host:4242:deadbeef"
    batch.lease_expires_at = now + timedelta(seconds=lease_seconds)
    db.commit()
    return now


def test_a_restarted_server_completes_the_batch_once_the_lease_expires(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    batch_id = queue_batch(db, setup, 25)
    lease = app.state.settings.batch_lease_seconds
    killed_at = _left_by_a_killed_server(db, batch_id, lease)
    schedule = BatchReclaimSchedule(app.state.batch_runner, interval_seconds=30)

    # Restarted at once: the startup pass finds the batch still held.
    assert schedule.run_once(killed_at) == []
    db.expire_all()
    assert db.get_one(CredentialBatch, batch_id).done == 0

    # A later pass of the same running server, after the lease: it completes the batch.
    assert schedule.run_once(killed_at + timedelta(seconds=lease + 1)) == [batch_id]
    assert_batch_issued_once(db, batch_id, 25)


def test_the_schedule_thread_reclaims_on_its_own(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    batch_id = queue_batch(db, setup, 5)
    lease = app.state.settings.batch_lease_seconds
    killed_at = _left_by_a_killed_server(db, batch_id, lease)
    # The clock is the only thing faked: the thread runs for real, every 50 ms.
    clock = [killed_at]
    schedule = BatchReclaimSchedule(
        app.state.batch_runner, interval_seconds=0.05, clock=lambda: clock[0]
    )
    schedule.start()
    try:
        clock[0] = killed_at + timedelta(seconds=lease + 1)
        for _ in range(400):
            db.expire_all()
            if db.get_one(CredentialBatch, batch_id).status == "completed":
                break
            threading.Event().wait(0.05)
    finally:
        schedule.stop()
    assert_batch_issued_once(db, batch_id, 5)

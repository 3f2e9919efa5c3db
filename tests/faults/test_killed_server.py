"""SIGKILL a server in the middle of a batch, restart it at once (issue 12: defects 2 and
3, and the fault test "SIGKILL during a batch on PostgreSQL, then immediate restart")."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.credentials.models import Credential, CredentialBatch
from tests.credentials.factories import assert_batch_issued_once, issuing_setup, queue_batch
from tests.faults.servers import Server, alive, children, kill_leftovers, server_env, wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# Enough rows that the kill lands mid-batch (at 20 done, chunks of 10) with room to spare.
TOTAL = 90


@pytest.mark.parametrize("migrated_database", ["postgres"], indirect=True)
def test_killed_mid_batch_restarted_at_once_completes_and_leaves_no_workers(
    client: TestClient, app: FastAPI, db: Session, tmp_path: Path
) -> None:
    setup = issuing_setup(client, app, db)
    batch_id = queue_batch(db, setup, TOTAL)
    env = server_env(
        app.state.settings,
        NASSC_BATCH_CHUNK_SIZE="10",
        NASSC_BATCH_LEASE_SECONDS="3",
        NASSC_BATCH_RECLAIM_SECONDS="1",
        NASSC_SIGNING_PROCESSES="1",
        NASSC_VERIFICATION_PROCESSES="1",
    )
    started: set[int] = set()

    def done() -> int:
        db.expire_all()
        return db.get_one(CredentialBatch, batch_id).done

    def status() -> str:
        db.expire_all()
        return db.get_one(CredentialBatch, batch_id).status

    first = Server(env, tmp_path / "first.log").wait_ready()
    try:
        # The startup pass takes the queued batch; proof and signing workers are running.
        wait_for(lambda: done() >= 20, seconds=120, what="the first chunks")
        workers = children(first.pid)
        started |= workers
        assert len(workers) >= 2, workers  # the proof worker and the signing worker
        first.kill()
        interrupted = done()
        assert 20 <= interrupted < TOTAL

        # Restarted at once, within the dead server's lease.
        second = Server(env, tmp_path / "second.log")
        try:
            wait_for(
                lambda: not any(alive(pid) for pid in workers),
                seconds=15,
                what=f"the killed server's workers {sorted(workers)} to exit",
            )
            second.wait_ready()
            wait_for(
                lambda: status() == "completed",
                seconds=180,
                what="the restarted server to complete the batch",
            )
            started |= children(second.pid)
        finally:
            second.stop()
    finally:
        first.stop()
        kill_leftovers(started)

    assert_batch_issued_once(db, batch_id, TOTAL)
    issue_events = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "credential.issue", AuditEvent.target_type == "credential")
    )
    assert issue_events == TOTAL
    indexes = db.execute(
        select(func.count(Credential.revocation_index.distinct()), func.count())
        .select_from(Credential)
        .where(Credential.batch_id == batch_id)
    ).one()
    assert tuple(indexes) == (TOTAL, TOTAL)
    assert not any(alive(pid) for pid in started)

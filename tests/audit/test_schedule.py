"""Periodic checkpoints: signed when the head moved and the last one is old enough, once
across processes waking together."""

from __future__ import annotations

import threading
from datetime import timedelta
from functools import partial

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import verification
from app.audit.models import AuditCheckpoint
from app.audit.schedule import CheckpointSchedule
from app.auth.roles import Role
from app.credentials.signing import current_signer
from tests.audit.helpers import AUDIT, events, staff
from tests.factories import ensure_signing_key

HOUR = 3600
WORKERS = 4


def schedule(app: FastAPI, interval_seconds: float = HOUR) -> CheckpointSchedule:
    return CheckpointSchedule(
        app.state.sessionmaker,
        signer=partial(
            current_signer,
            settings=app.state.settings,
            cache=app.state.key_cache,
            contexts=app.state.contexts,
        ),
        interval_seconds=interval_seconds,
    )


def checkpoint_count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(AuditCheckpoint)) or 0


def age_checkpoints(db: Session, *, by: timedelta) -> None:
    db.expire_all()
    for checkpoint in db.scalars(select(AuditCheckpoint)):
        checkpoint.created_at -= by
    db.commit()


def test_nothing_to_sign_in_an_empty_log(app: FastAPI, db: Session) -> None:
    assert events(db) == []

    assert schedule(app).run_once() is None  # and no key was needed
    assert checkpoint_count(db) == 0


def test_signs_the_head_when_due_and_only_then(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    admin, _ = staff(client, db, Role.admin)  # an audited change: the log is not empty
    hourly = schedule(app)

    first = hourly.run_once()

    assert first is not None
    assert [event.action for event in events(db)][-1] == "audit.checkpoint"
    assert first.seq == events(db)[-1].seq
    exported = client.get(f"{AUDIT}/checkpoints", headers=admin).json()["items"][0]
    checked = client.post(f"{AUDIT}/checkpoints/verify", headers=admin, json=exported).json()
    assert checked["verified"] is True, checked
    # Nothing new but the checkpoint's own event: nothing to sign, however late it is.
    age_checkpoints(db, by=timedelta(hours=2))
    assert hourly.run_once() is None
    # Something new, but the last checkpoint is recent: wait for the interval.
    staff(client, db, Role.auditor)
    age_checkpoints(db, by=-timedelta(hours=2))
    assert hourly.run_once() is None
    # Something new and the interval has passed: sign.
    age_checkpoints(db, by=timedelta(hours=1))
    second = hourly.run_once()
    assert second is not None and second.seq > first.seq
    assert checkpoint_count(db) == 2
    assert verification.verify_chain(db).ok


def test_processes_waking_together_sign_once(client: TestClient, app: FastAPI, db: Session) -> None:
    ensure_signing_key(app, db)
    staff(client, db, Role.admin)
    schedules = [schedule(app) for _ in range(WORKERS)]
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def wake(each: CheckpointSchedule) -> None:
        try:
            barrier.wait()
            each.run_once()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=wake, args=(each,)) for each in schedules]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert checkpoint_count(db) == 1
    assert [event.action for event in events(db)].count("audit.checkpoint") == 1
    assert verification.verify_chain(db).ok


def test_the_thread_signs_on_its_own(client: TestClient, app: FastAPI, db: Session) -> None:
    ensure_signing_key(app, db)
    staff(client, db, Role.admin)
    fast = schedule(app, interval_seconds=0.05)

    fast.start()
    try:
        for _ in range(200):
            if checkpoint_count(db):
                break
            threading.Event().wait(0.05)
    finally:
        fast.stop()

    assert checkpoint_count(db) >= 1
    assert verification.verify_chain(db).ok


def test_off_when_the_interval_is_zero(app: FastAPI) -> None:
    assert schedule(app, interval_seconds=0).enabled is False
    assert app.state.checkpoint_schedule.enabled is False  # tests turn it off

"""Concurrent appends from many transactions form one unforked chain with no gaps."""

from __future__ import annotations

import itertools
import threading

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit import verification
from app.db import utcnow
from tests.audit.helpers import events

THREADS = 8
TRANSACTIONS = 12


def _append_concurrently(app: FastAPI) -> list[BaseException]:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            barrier.wait()
            for number in range(TRANSACTIONS):
                with app.state.sessionmaker() as session:
                    audit_service.record(
                        session,
                        actor=None,
                        actor_override=(f"worker-{worker}", "system"),
                        action="test.concurrent",
                        target_type="thing",
                        target_id=f"{worker}-{number}",
                        now=utcnow(),
                    )
                    if number % 4 == 3:
                        # A rolled-back transaction gives its sequence number back.
                        session.rollback()
                    else:
                        session.commit()
        except BaseException as error:  # reported to the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.parametrize(
    "migrated_database", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_eight_threads_append_one_chain_on_postgres(app: FastAPI, db: Session) -> None:
    assert _append_concurrently(app) == []
    committed = THREADS * (TRANSACTIONS - TRANSACTIONS // 4)
    found = events(db)
    assert [event.seq for event in found] == list(range(1, committed + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(found))
    assert len({event.target_id for event in found}) == committed
    report = verification.verify_chain(db)
    assert (report.ok, report.events_checked, report.head_seq) == (True, committed, committed)


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_eight_threads_append_one_chain_on_sqlite(app: FastAPI, db: Session) -> None:
    assert _append_concurrently(app) == []
    report = verification.verify_chain(db)
    committed = THREADS * (TRANSACTIONS - TRANSACTIONS // 4)
    assert (report.ok, report.events_checked, report.head_seq) == (True, committed, committed)

"""Concurrent appends from many transactions form one unforked chain with no gaps, whether
appended at once (`record`) or as each transaction commits (`record_at_commit`)."""

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


def _entry(worker: int, number: int) -> audit_service.AuditEntry:
    return audit_service.AuditEntry(
        actor=None,
        actor_override=(f"worker-{worker}", "system"),
        action="test.concurrent",
        target_type="thing",
        target_id=f"{worker}-{number}",
    )


def _append_concurrently(app: FastAPI, *, at_commit: bool = False) -> list[BaseException]:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            barrier.wait()
            for number in range(TRANSACTIONS):
                with app.state.sessionmaker() as session:
                    if at_commit:
                        audit_service.record_at_commit(
                            session, [_entry(worker, number)], now=utcnow()
                        )
                    else:
                        audit_service.record_many(session, [_entry(worker, number)], now=utcnow())
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
@pytest.mark.parametrize("at_commit", [False, True], ids=["at-once", "at-commit"])
def test_eight_threads_append_one_chain_on_postgres(
    app: FastAPI, db: Session, at_commit: bool
) -> None:
    assert _append_concurrently(app, at_commit=at_commit) == []
    committed = THREADS * (TRANSACTIONS - TRANSACTIONS // 4)
    found = events(db)
    assert [event.seq for event in found] == list(range(1, committed + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(found))
    assert len({event.target_id for event in found}) == committed
    report = verification.verify_chain(db)
    assert (report.ok, report.events_checked, report.head_seq) == (True, committed, committed)


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("at_commit", [False, True], ids=["at-once", "at-commit"])
def test_eight_threads_append_one_chain_on_sqlite(
    app: FastAPI, db: Session, at_commit: bool
) -> None:
    assert _append_concurrently(app, at_commit=at_commit) == []
    report = verification.verify_chain(db)
    committed = THREADS * (TRANSACTIONS - TRANSACTIONS // 4)
    assert (report.ok, report.events_checked, report.head_seq) == (True, committed, committed)


def test_events_appended_at_commit_wait_for_the_commit_and_roll_back_with_it(
    app: FastAPI, db: Session
) -> None:
    sessions = app.state.sessionmaker
    with sessions() as kept, sessions() as dropped:
        audit_service.record_at_commit(kept, [_entry(1, 1), _entry(1, 2)], now=utcnow())
        audit_service.record_at_commit(dropped, [_entry(2, 1)], now=utcnow())
        # Nothing is appended (and the head is not held) before the commit: another
        # transaction appends meanwhile, without waiting, and takes the next number.
        assert events(db) == []
        with sessions.begin() as other:
            audit_service.record_many(other, [_entry(3, 1)], now=utcnow())
        dropped.rollback()
        kept.commit()
        dropped.commit()  # the rolled-back events are gone, not appended by a later commit

    found = events(db)
    assert [(event.seq, event.target_id) for event in found] == [(1, "3-1"), (2, "1-1"), (3, "1-2")]
    report = verification.verify_chain(db)
    assert (report.ok, report.events_checked, report.head_seq) == (True, 3, 3)


def test_events_recorded_at_commit_inside_a_savepoint_roll_back_with_it(
    app: FastAPI, db: Session
) -> None:
    with app.state.sessionmaker.begin() as session:
        with session.begin_nested() as savepoint:
            audit_service.record_at_commit(session, [_entry(1, 1)], now=utcnow())
            savepoint.rollback()
        audit_service.record_at_commit(session, [_entry(1, 2)], now=utcnow())

    assert [event.target_id for event in events(db)] == ["1-2"]
    assert verification.verify_chain(db).ok

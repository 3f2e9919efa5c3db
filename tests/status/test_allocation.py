"""Allocating status entries: distinct indexes, roll-over to new lists, concurrent safety."""

from __future__ import annotations

import threading
from collections import Counter

from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db import make_sessionmaker, utcnow
from app.status import service as status_service
from app.status.allocation import MAX_OPEN_LISTS
from app.status.models import StatusList, StatusPurpose
from app.status.service import Allocation

THREADS = 8
PER_THREAD = 200
TOTAL = 1 + THREADS * PER_THREAD


def lists(db: Session) -> list[StatusList]:
    db.expire_all()
    return list(db.scalars(select(StatusList).order_by(StatusList.id)))


def test_a_first_allocation_opens_a_list_with_distinct_random_indexes(db: Session) -> None:
    allocations = status_service.allocate(
        db, purpose=StatusPurpose.revocation, count=500, now=utcnow()
    )
    db.commit()
    [status_list] = lists(db)
    assert status_list.purpose == "revocation"
    assert status_list.size == 2**18
    assert status_list.allocated == 500
    assert len(status_list.permutation_key) == 32
    assert status_list.signed_revision == -1
    assert {a.list_id for a in allocations} == {status_list.id}
    indexes = [a.index for a in allocations]
    assert len(set(indexes)) == 500
    assert all(0 <= i < 2**18 for i in indexes)
    assert indexes != sorted(indexes)


def test_later_allocations_continue_the_counter_without_repeats(db: Session) -> None:
    now = utcnow()
    seen: list[Allocation] = []
    for count in (1, 7, 50, 1):
        seen += status_service.allocate(db, purpose=StatusPurpose.revocation, count=count, now=now)
    db.commit()
    assert len(set(seen)) == len(seen) == 59
    [status_list] = lists(db)
    assert status_list.allocated == 59


def test_purposes_have_their_own_lists(db: Session) -> None:
    now = utcnow()
    [revocation] = status_service.allocate(db, purpose=StatusPurpose.revocation, count=1, now=now)
    [suspension] = status_service.allocate(db, purpose=StatusPurpose.suspension, count=1, now=now)
    db.commit()
    assert revocation.list_id != suspension.list_id
    assert [(s.purpose, s.allocated) for s in lists(db)] == [("revocation", 1), ("suspension", 1)]


def test_a_full_list_rolls_over_to_a_new_one(db: Session) -> None:
    now = utcnow()
    first = status_service.allocate(db, purpose=StatusPurpose.suspension, count=3, now=now)
    db.execute(update(StatusList).values(size=8))
    db.commit()

    spanning = status_service.allocate(db, purpose=StatusPurpose.suspension, count=10, now=now)
    db.commit()
    old, new = lists(db)
    assert (old.size, old.allocated) == (8, 8)
    assert (new.size, new.allocated) == (2**18, 5)
    assert Counter(a.list_id for a in spanning) == {old.id: 5, new.id: 5}
    assert len(set(first + spanning)) == 13

    # The next allocation goes to the new list; the full one is never used again.
    [later] = status_service.allocate(db, purpose=StatusPurpose.suspension, count=1, now=now)
    assert later.list_id == new.id


def test_list_size_sets_the_capacity_of_new_lists(db: Session) -> None:
    allocations = status_service.allocate(
        db, purpose=StatusPurpose.revocation, count=25, now=utcnow(), list_size=10
    )
    db.commit()
    assert [(s.size, s.allocated) for s in lists(db)] == [(10, 10), (10, 10), (10, 5)]
    assert len(set(allocations)) == 25
    # Small lists still index into the full 2^18-bit bitstring.
    assert all(0 <= a.index < 2**18 for a in allocations)


def test_status_entries_follow_the_bitstring_status_list_entry_shape() -> None:
    entries = status_service.status_entries(
        "https://credentials.nassc.org", Allocation(3, 94567), Allocation(4, 12)
    )
    assert entries == [
        {
            "id": "https://credentials.nassc.org/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://credentials.nassc.org/status/3",
        },
        {
            "id": "https://credentials.nassc.org/status/4#12",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "suspension",
            "statusListIndex": "12",
            "statusListCredential": "https://credentials.nassc.org/status/4",
        },
    ]


def _allocate_concurrently(app: FastAPI, *, list_size: int) -> list[Allocation]:
    """THREADS threads allocate PER_THREAD entries each, in transactions of 50, all contending
    for one list that exists before they start (otherwise each would open its own)."""
    factory = make_sessionmaker(app.state.engine)
    with factory() as session:
        first = status_service.allocate(
            session, purpose=StatusPurpose.revocation, count=1, now=utcnow(), list_size=list_size
        )
        session.commit()
    barrier = threading.Barrier(THREADS)
    results: list[list[Allocation]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []

    def work(slot: int) -> None:
        session = factory()
        try:
            barrier.wait()
            for _ in range(4):
                results[slot] += status_service.allocate(
                    session,
                    purpose=StatusPurpose.revocation,
                    count=PER_THREAD // 4,
                    now=utcnow(),
                    list_size=list_size,
                )
                session.commit()
        except BaseException as error:  # reported by the main thread
            session.rollback()
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return first + [allocation for result in results for allocation in result]


def test_concurrent_transactions_never_share_an_entry(app: FastAPI, db: Session) -> None:
    allocations = _allocate_concurrently(app, list_size=2**18)
    assert len(allocations) == TOTAL
    assert len(set(allocations)) == TOTAL
    stored = lists(db)
    assert sum(s.allocated for s in stored) == TOTAL
    assert Counter(a.list_id for a in allocations) == {s.id: s.allocated for s in stored}
    # On PostgreSQL a transaction skips the lists others hold and opens another while fewer
    # than MAX_OPEN_LISTS are open (each thread may have counted before the others opened
    # theirs); SQLite has one writer and fills one list.
    bound = 1 if db.get_bind().dialect.name == "sqlite" else MAX_OPEN_LISTS + THREADS - 1
    assert 1 <= len(stored) <= bound


def test_one_transaction_at_a_time_fills_the_first_open_list(db: Session) -> None:
    for _ in range(3):
        status_service.allocate(db, purpose=StatusPurpose.revocation, count=10, now=utcnow())
        db.commit()
    [status_list] = lists(db)
    assert status_list.allocated == 30


def test_concurrent_transactions_rolling_over_small_lists(app: FastAPI, db: Session) -> None:
    allocations = _allocate_concurrently(app, list_size=150)
    assert len(set(allocations)) == len(allocations) == TOTAL
    stored = lists(db)
    assert all(s.allocated <= s.size for s in stored)
    assert sum(s.allocated for s in stored) == TOTAL
    per_list = Counter(a.list_id for a in allocations)
    assert per_list == {s.id: s.allocated for s in stored if s.allocated}
    opened = db.scalar(select(func.count()).select_from(StatusList))
    assert opened is not None and opened >= 11

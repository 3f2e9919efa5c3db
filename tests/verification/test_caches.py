"""The verification caches on their own: expiry, committed changes, the race they must not lose."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from app.changes import ChangeCounter
from app.config import Settings
from app.main import create_app
from app.verification.caches import MAX_LIST_SECONDS, ExpiringCache, list_seconds


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "row"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(20), default="")


_ROWS = ChangeCounter(_Row)
_NAMES = ChangeCounter(_Row, attributes=("name",))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_a_commit_that_changed_a_row_counts_once(session: Session) -> None:
    before = _ROWS.value
    session.add(_Row(id=1, name="a"))
    session.add(_Row(id=2, name="b"))
    session.flush()
    assert _ROWS.value == before  # not before the commit: the change is not visible yet

    session.commit()

    assert _ROWS.value == before + 1


def test_a_rolled_back_change_does_not_count(session: Session) -> None:
    before = _ROWS.value
    session.add(_Row(id=1, name="a"))
    session.flush()
    session.rollback()
    session.commit()

    assert _ROWS.value == before


def test_only_the_watched_attributes_count(session: Session) -> None:
    row = _Row(id=1, name="a")
    session.add(row)
    session.commit()
    before = _NAMES.value

    row.note = "seen"
    session.commit()
    assert _NAMES.value == before

    row.name = "b"
    session.commit()
    assert _NAMES.value == before + 1


def test_a_deleted_row_counts(session: Session) -> None:
    row = _Row(id=1, name="a")
    session.add(row)
    session.commit()
    before = _ROWS.value

    session.delete(row)
    session.commit()

    assert _ROWS.value == before + 1


def test_an_entry_expires_after_its_seconds() -> None:
    clock = Clock()
    cache: ExpiringCache[str, int] = ExpiringCache(_ROWS, size=4, clock=clock)
    cache.put("k", 1, changes=cache.changes_now(), seconds=5)

    clock.now += 4.9
    assert cache.get("k") == 1
    clock.now += 0.1
    assert cache.get("k") is None


def test_a_committed_change_drops_every_entry(session: Session) -> None:
    cache: ExpiringCache[str, int] = ExpiringCache(_ROWS, size=4, clock=Clock())
    cache.put("k", 1, changes=cache.changes_now(), seconds=60)

    session.add(_Row(id=1, name="a"))
    session.commit()

    assert cache.get("k") is None


def test_a_copy_read_before_a_commit_is_not_kept(session: Session) -> None:
    # A reader queries while a writer's change is uncommitted (so it reads the old rows);
    # the writer commits before the reader stores what it read: the copy must be dropped.
    cache: ExpiringCache[str, int] = ExpiringCache(_ROWS, size=4, clock=Clock())
    changes = cache.changes_now()  # read before querying
    session.add(_Row(id=1, name="a"))
    session.commit()

    cache.put("k", 1, changes=changes, seconds=60)

    assert cache.get("k") is None


def test_the_oldest_entries_go_beyond_the_size() -> None:
    cache: ExpiringCache[int, int] = ExpiringCache(_ROWS, size=2, clock=Clock())
    for key in range(3):
        cache.put(key, key, changes=cache.changes_now(), seconds=60)

    assert [cache.get(key) for key in range(3)] == [None, 1, 2]


@pytest.mark.parametrize(
    ("subject", "seconds"),
    [
        ({"ttl": 300_000}, 300.0),
        ({"ttl": 1500}, 1.5),
        ({"ttl": 10**12}, MAX_LIST_SECONDS),
        ({"ttl": 0}, 0.0),
        ({"ttl": -5}, 0.0),
        ({"ttl": "300000"}, 0.0),
        ({"ttl": True}, 0.0),
        ({"ttl": float("nan")}, 0.0),
        ({}, 0.0),
    ],
)
def test_a_list_is_kept_for_its_ttl(subject: dict[str, Any], seconds: float) -> None:
    assert list_seconds({"credentialSubject": subject}) == seconds


def test_each_app_has_its_own_caches(app: FastAPI, settings: Settings) -> None:
    other = create_app(settings)
    try:
        assert other.state.verifier_caches is not app.state.verifier_caches
    finally:
        other.state.engine.dispose()

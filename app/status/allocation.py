"""Status entry allocation: distinct, random-looking indexes from an atomic per-list counter.

Each list hands out counter values through one conditional `UPDATE … RETURNING`, which
PostgreSQL re-evaluates on the latest row version after waiting for the row lock and SQLite
runs under its single writer lock, so two transactions never get the same counter value.
The counter value goes through the list's keyed permutation to give the index.

The `UPDATE` holds the list's row until the transaction ends, and issuance signs and stores
the credential in between; so on PostgreSQL a transaction takes the first open list no other
transaction holds (`SKIP LOCKED`), opening another while fewer than `MAX_OPEN_LISTS` are
open, and concurrent issuances do not queue on one row (`bench/http_issuance.py`). There,
taking a free list and reserving on it is one statement (`_take_free`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache

from sqlalchemy import Integer, Row, Update, bindparam, func, select, update
from sqlalchemy.orm import Session

from app.status.builder import status_entry
from app.status.models import StatusList, StatusPurpose
from app.status.permutation import DOMAIN_SIZE, FeistelPermutation

LIST_SIZE = DOMAIN_SIZE
"""Entries per list (2^18 = 262,144 bits, above the spec's 131,072-bit minimum)."""
PERMUTATION_KEY_BYTES = 32
# Each failed reservation means another transaction took the room; this only stops a bug.
MAX_RESERVE_ATTEMPTS = 1_000
MAX_OPEN_LISTS = 8
"""Lists of one purpose that concurrent transactions allocate from at once (PostgreSQL):
more only while every open one is held by another transaction."""


@dataclass(frozen=True, slots=True)
class Allocation:
    """One reserved status entry: a list and an index in it."""

    list_id: int
    index: int
    published: bool = field(default=False, compare=False)
    """The list was known to be published when the entry was reserved (False: not known,
    so `publishing.publish_lists(only_new=True)` looks)."""


Reserved = tuple[int, bytes, int, int, bool]
"""Counter values reserved on one list: (list id, permutation key, first value, end,
whether the list is known to be published)."""


@lru_cache(maxsize=64)
def _permutation(key: bytes) -> FeistelPermutation:
    return FeistelPermutation(key)


def allocate(
    session: Session,
    *,
    purpose: StatusPurpose,
    count: int,
    now: datetime,
    list_size: int = LIST_SIZE,
) -> list[Allocation]:
    """Reserve `count` entries on lists of `purpose`, opening new lists as they fill.

    Each list hands out counter values with one atomic conditional `UPDATE … RETURNING`
    and maps them through its keyed permutation, so indexes look random and never repeat.
    A request larger than the room left takes what fits and continues on a new list.
    `list_size` is the capacity of lists this call opens (tests use small ones).
    """
    if count < 1:
        raise ValueError(f"count must be positive, got {count}")
    if not 1 <= list_size <= DOMAIN_SIZE:
        raise ValueError(f"list_size must be in [1, {DOMAIN_SIZE}], got {list_size}")
    allocations: list[Allocation] = []
    remaining = count
    postgresql = session.get_bind().dialect.name == "postgresql"
    for _attempt in range(MAX_RESERVE_ATTEMPTS):
        if not remaining:
            return allocations
        reserved: Reserved | None = None
        if postgresql:
            reserved = _take_free(session, purpose=purpose, count=remaining, now=now)
        if reserved is None:
            reserved = _reserve_on_candidate(
                session, purpose=purpose, count=remaining, list_size=list_size, now=now
            )
        if reserved is None:
            continue  # someone else took the room since we looked: look again
        list_id, key, start, end, published = reserved
        permute = _permutation(key)
        allocations.extend(Allocation(list_id, permute(c), published) for c in range(start, end))
        remaining -= end - start
    if remaining:
        raise RuntimeError("status list allocation did not converge")
    return allocations


def _reserve_on_candidate(
    session: Session, *, purpose: StatusPurpose, count: int, list_size: int, now: datetime
) -> Reserved | None:
    """Reserve up to `count` on `_candidate`'s list, or on a new one; None if another
    transaction took the room meanwhile."""
    candidate = _candidate(session, purpose)
    if candidate is None:
        new_list = _open_list(session, purpose=purpose, size=list_size, now=now)
        list_id, size, allocated, key = new_list.id, new_list.size, 0, new_list.permutation_key
    else:
        list_id, size, allocated, key = candidate
    take = min(count, size - allocated)
    end = _reserve(session, list_id=list_id, count=take, now=now)
    return None if end is None else (list_id, key, end - take, end, False)


def _take_free(
    session: Session, *, purpose: StatusPurpose, count: int, now: datetime
) -> Reserved | None:
    """On PostgreSQL, reserve up to `count` on the first open list of `purpose` no other
    transaction holds, in one statement: (list id, permutation key, first counter value,
    end, published); None when every open list is held or none is open (`_candidate`
    decides then). Whether the list is published comes back with it, so issuance skips the
    look for a list to publish when it is.

    The same row lock and conditional counter as `_candidate` then `_reserve`, in one round
    trip instead of two: the sub-select locks the row (`SKIP LOCKED`) and reads its counter
    as this transaction holds it, and the update advances it by what still fits.
    """
    row = session.execute(
        _take_free_statement(), {"wanted_purpose": purpose.value, "wanted_count": count, "at": now}
    ).one_or_none()
    if row is None:
        return None
    list_id, key, start, end, published = row
    return int(list_id), bytes(key), int(start), int(end), bool(published)


@cache
def _take_free_statement() -> Update:
    """`_take_free`'s statement, built once (building it was ~0.4 ms a call), with the
    purpose, count and time as parameters."""
    picked = (
        select(StatusList.id, StatusList.allocated)
        .where(
            StatusList.purpose == bindparam("wanted_purpose"),
            StatusList.allocated < StatusList.size,
        )
        .order_by(StatusList.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .cte("picked")
    )
    return (
        update(StatusList)
        .where(StatusList.id == picked.c.id)
        .values(
            allocated=StatusList.allocated
            + func.least(
                bindparam("wanted_count", type_=Integer), StatusList.size - picked.c.allocated
            ),
            updated_at=bindparam("at"),
        )
        .returning(
            StatusList.id,
            StatusList.permutation_key,
            picked.c.allocated,
            StatusList.allocated,
            StatusList.signed_credential.is_not(None) | StatusList.signed_token.is_not(None),
        )
        .execution_options(synchronize_session=False)
    )


def _candidate(session: Session, purpose: StatusPurpose) -> Row[int, int, int, bytes] | None:
    """An open list of `purpose` to allocate from, its row locked by this transaction; None
    to open a new one.

    The first open list no other transaction holds (`SKIP LOCKED`); when every open list is
    held, None while fewer than `MAX_OPEN_LISTS` are open, else wait for the first. Each
    allocation holds its list's row until its transaction ends (issuance signs and stores in
    between), so one list would make concurrent issuances run one at a time. SQLite has one
    writer and no row locks: it always takes the first open list.
    """
    open_lists = (
        select(StatusList.id, StatusList.size, StatusList.allocated, StatusList.permutation_key)
        .where(StatusList.purpose == purpose.value, StatusList.allocated < StatusList.size)
        .order_by(StatusList.id)
        .limit(1)
    )
    free = session.execute(open_lists.with_for_update(skip_locked=True)).first()
    if free is not None or session.get_bind().dialect.name != "postgresql":
        return free
    held = session.scalar(
        select(func.count())
        .select_from(StatusList)
        .where(StatusList.purpose == purpose.value, StatusList.allocated < StatusList.size)
    )
    if (held or 0) < MAX_OPEN_LISTS:
        return None
    return session.execute(open_lists.with_for_update()).first()


def _open_list(session: Session, *, purpose: StatusPurpose, size: int, now: datetime) -> StatusList:
    status_list = StatusList(
        purpose=purpose.value,
        size=size,
        allocated=0,
        permutation_key=secrets.token_bytes(PERMUTATION_KEY_BYTES),
        revision=0,
        signed_revision=-1,
        created_at=now,
        updated_at=now,
    )
    session.add(status_list)
    session.flush()
    return status_list


def _reserve(session: Session, *, list_id: int, count: int, now: datetime) -> int | None:
    """The counter value after reserving `count` on `list_id`, or None if they no longer fit."""
    statement = (
        update(StatusList)
        .where(StatusList.id == list_id, StatusList.allocated + count <= StatusList.size)
        .values(allocated=StatusList.allocated + count, updated_at=now)
        .returning(StatusList.allocated)
        .execution_options(synchronize_session=False)
    )
    end: int | None = session.execute(statement).scalar_one_or_none()
    return end


def status_entries(
    base_url: str, revocation: Allocation, suspension: Allocation
) -> list[dict[str, str]]:
    """The two `credentialStatus` entries of a credential: revocation, then suspension."""
    return [
        status_entry(
            base_url=base_url,
            list_id=revocation.list_id,
            index=revocation.index,
            purpose=StatusPurpose.revocation.value,
        ),
        status_entry(
            base_url=base_url,
            list_id=suspension.list_id,
            index=suspension.index,
            purpose=StatusPurpose.suspension.value,
        ),
    ]

"""Appending audit events to the hash chain (in the caller's transaction) and listing them.

Appends are serialized by the single `audit_head` row: `record` first runs
``UPDATE audit_head SET seq = seq + n WHERE id = 1 RETURNING seq, head_hash``, which takes
that row's lock on PostgreSQL (the SQLite write lock on SQLite) until the caller's
transaction ends. A concurrent transaction waits there and then reads the head this one
left, so the chain never forks; a rolled-back transaction takes its sequence numbers with
it, so no gap appears either.

`record_at_commit` appends the same way, but as the last step before the caller's
transaction commits (a `before_commit` hook), so the head is held only for the append and
the commit, not through the rest of the transaction's work (signing, storing: issuance).
The events are still written in the caller's transaction, under the head lock held until
it ends, so every guarantee above holds, and sequence order stays commit order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.sql.dml import Update

from app.audit.chain import GENESIS_HASH, EventFields, event_hash
from app.audit.models import AuditEvent, AuditHead
from app.audit.summary import redact
from app.auth.roles import Principal
from app.log import request_id_var

HEAD_ID = 1
ANONYMOUS = ("anonymous", "anonymous")
"""Actor and role of an event nobody authenticated for (a failed login, a public form)."""
SYSTEM = ("system", "system")
"""Actor and role of an event done by the operator's command line or a background job."""

_ACTOR_MAX = 100
_ROLE_MAX = 16
_TARGET_ID_MAX = 100


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One event to append; `record_many` appends several under one head update."""

    actor: Principal | None
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    actor_override: tuple[str, str] | None = None

    @classmethod
    def change(
        cls,
        actor: Principal | None,
        action: str,
        target: tuple[str, str],
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        anonymous: bool = False,
    ) -> AuditEntry:
        """A change to a record (`target`: its type and id) by `actor`; without one, by the
        command line or a script (`SYSTEM`), unless `anonymous` (a public form: `ANONYMOUS`)."""
        return cls(
            actor=actor,
            actor_override=None if actor is not None or anonymous else SYSTEM,
            action=action,
            target_type=target[0],
            target_id=target[1],
            before=before,
            after=after,
        )


@dataclass(frozen=True, slots=True)
class _Pending:
    entry: AuditEntry
    now: datetime
    request_id: str | None


_PENDING = "nassc.audit.pending"
"""The `Session.info` key of the events `record_at_commit` holds until the commit."""


def record(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    target_type: str,
    target_id: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    now: datetime,
    actor_override: tuple[str, str] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction and return it (flushed).

    The actor is the principal's subject and role; `actor_override` (actor, role) wins
    over it (e.g. `SYSTEM` for the command line); with neither, the event is `ANONYMOUS`.
    `before` and `after` pass through `summary.redact`, so secrets and emails never land
    in the log. The request id is the current request's (`app.log.request_id_var`).
    """
    entry = AuditEntry(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
        actor_override=actor_override,
    )
    return record_many(session, [entry], now=now)[0]


def record_change(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    target: tuple[str, str],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    now: datetime,
    anonymous: bool = False,
) -> AuditEvent:
    """Append one change to a record in the caller's transaction (`AuditEntry.change`)."""
    entry = AuditEntry.change(
        actor=actor, action=action, target=target, before=before, after=after, anonymous=anonymous
    )
    return record_many(session, [entry], now=now)[0]


def record_many(
    session: Session, entries: Sequence[AuditEntry], *, now: datetime
) -> list[AuditEvent]:
    """Append several events (in order) in the caller's transaction, under one head update."""
    if not entries:
        return []
    _check_time(now)
    request_id = request_id_var.get()
    fields = _chain(session, [_Pending(entry, now, request_id) for entry in entries])
    events = [_event(item, hash_) for item, hash_ in fields]
    session.add_all(events)
    session.flush()
    session.execute(_head_hash_update(fields[-1][1]))
    return events


def record_at_commit(session: Session, entries: Sequence[AuditEntry], *, now: datetime) -> None:
    """Append events (in order) to the chain as the caller's transaction commits.

    For a transaction that does slow work after deciding what to audit (issuance signs
    and stores): the head row is locked from the append to the commit only, so concurrent
    transactions do not queue on it through that work. The events roll back with the
    transaction. Inside a savepoint they are appended at once, so that rolling the
    savepoint back takes them with it.
    """
    if not entries:
        return
    _check_time(now)
    if session.in_nested_transaction():
        record_many(session, entries, now=now)
        return
    if not session.in_transaction():
        session.begin()  # so that a rollback, even with nothing written yet, drops them
    request_id = request_id_var.get()
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    pending.extend(_Pending(entry, now, request_id) for entry in entries)


@event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    fields = _chain(session, pending)
    rows = [{**item.model_dump(), "hash": hash_} for item, hash_ in fields]
    head_hash = fields[-1][1]
    if session.get_bind().dialect.name == "postgresql":
        # One round trip while the head is held: the insert rides along with the update.
        # A one-row VALUES (the usual case) compiles once and is cached; a multi-row one
        # is compiled on every call.
        values = rows[0] if len(rows) == 1 else rows
        appended = insert(AuditEvent).values(values).cte("appended")
        session.execute(_head_hash_update(head_hash).add_cte(appended))
    else:
        session.execute(insert(AuditEvent), rows)
        session.execute(_head_hash_update(head_hash))


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # rolled back or closed: its events go with it
        session.info.pop(_PENDING, None)


def _check_time(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")


def _chain(session: Session, items: Sequence[_Pending]) -> list[tuple[EventFields, str]]:
    """Advance the head by `len(items)` and chain the events after it: (fields, hash)."""
    last_seq, prev_hash = _advance_head(session, count=len(items))
    seq = last_seq - len(items)
    chained: list[tuple[EventFields, str]] = []
    for item in items:
        entry = item.entry
        seq += 1
        actor, role = _actor(entry)
        fields = EventFields(
            seq=seq,
            occurred_at=item.now,
            actor=actor,
            actor_role=role,
            action=entry.action,
            target_type=entry.target_type,
            target_id=None if entry.target_id is None else entry.target_id[:_TARGET_ID_MAX],
            summary={"before": redact(entry.before), "after": redact(entry.after)},
            request_id=item.request_id,
            prev_hash=prev_hash,
        )
        prev_hash = event_hash(fields)
        chained.append((fields, prev_hash))
    return chained


def _head_hash_update(head_hash: str) -> Update:
    return (
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(head_hash=head_hash)
        .execution_options(synchronize_session=False)
    )


def record_detached(sessions: sessionmaker[Session], entry: AuditEntry, *, now: datetime) -> None:
    """Append one event in a short transaction of its own, committed at once.

    For events that must outlive the caller's transaction because the caller is about to
    fail and roll back (a failed login). Call it only while the caller's own transaction
    holds no audit head lock and no SQLite write lock: otherwise the two would wait on
    each other.
    """
    with sessions() as session, session.begin():
        record_many(session, [entry], now=now)


def _actor(entry: AuditEntry) -> tuple[str, str]:
    if entry.actor_override is not None:
        actor, role = entry.actor_override
    elif entry.actor is not None:
        actor, role = entry.actor.subject, entry.actor.role.value
    else:
        actor, role = ANONYMOUS
    return actor[:_ACTOR_MAX], role[:_ROLE_MAX]


def _event(fields: EventFields, hash_: str) -> AuditEvent:
    return AuditEvent(**fields.model_dump(), hash=hash_)


def _advance_head(session: Session, *, count: int) -> tuple[int, str]:
    """Reserve `count` sequence numbers; returns the last one and the current head hash."""
    statement = (
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(seq=AuditHead.seq + count)
        .returning(AuditHead.seq, AuditHead.head_hash)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(statement).one_or_none()
    if row is None:
        _restore_head(session)
        row = session.execute(statement).one()
    return int(row.seq), str(row.head_hash)


def lock_head(session: Session) -> None:
    """Hold the chain head until the transaction ends, appending nothing: a write that
    changes nothing takes PostgreSQL's row lock and SQLite's database write lock."""
    _advance_head(session, count=0)


def _restore_head(session: Session) -> None:
    """Re-create a missing head row from the last event (or the genesis state).

    The migration seeds the row, but an emptied table (tests) or a restore may lack it.
    Two transactions may race here: the loser's insert fails on the primary key inside
    its savepoint, and its retried UPDATE then waits for and reads the winner's row.
    """
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).one_or_none()
    seq, head_hash = (int(last.seq), str(last.hash)) if last else (0, GENESIS_HASH)
    try:
        with session.begin_nested():
            session.execute(insert(AuditHead).values(id=HEAD_ID, seq=seq, head_hash=head_hash))
    except IntegrityError:
        pass


def head(session: Session) -> tuple[int, str]:
    """The chain head as stored: (last sequence number, its hash); (0, genesis) if absent."""
    row = session.execute(
        select(AuditHead.seq, AuditHead.head_hash).where(AuditHead.id == HEAD_ID)
    ).one_or_none()
    return (int(row.seq), str(row.head_hash)) if row else (0, GENESIS_HASH)


def fields_of(event: AuditEvent | Row[Any]) -> EventFields:
    """The hashed fields of a stored event (an ORM object or a row with the same columns),
    as stored: not validated, so a tampered value hashes as it is."""
    return EventFields.model_construct(
        **{name: getattr(event, name) for name in EventFields.model_fields}
    )


# Listing


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of events and how many matched in all."""

    items: list[AuditEvent]
    total: int


def list_events(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> EventPage:
    """Events matching every given filter, newest first; `occurred_to` is exclusive."""
    conditions: list[ColumnElement[bool]] = []
    if actor is not None:
        conditions.append(AuditEvent.actor == actor)
    if action is not None:
        conditions.append(AuditEvent.action == action)
    if target_type is not None:
        conditions.append(AuditEvent.target_type == target_type)
    if target_id is not None:
        conditions.append(AuditEvent.target_id == target_id)
    if occurred_from is not None:
        conditions.append(AuditEvent.occurred_at >= occurred_from)
    if occurred_to is not None:
        conditions.append(AuditEvent.occurred_at < occurred_to)
    total = session.scalar(select(func.count(AuditEvent.id)).where(*conditions)) or 0
    items = session.scalars(
        select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.seq.desc())
        .offset(offset)
        .limit(limit)
    )
    return EventPage(items=list(items), total=total)

"""Re-verifying the audit chain: every hash, every link, sequence continuity and the head.

Reasons a chain fails (`BreakReason`), and what each reveals: an edited row no longer
hashes (`hash-mismatch`); an edited row whose hash was re-computed breaks the next link
(`prev-hash-mismatch`); a deleted row leaves a gap (`missing-event`); rows deleted at the
end, or appended without the head, disagree with the head (`head-mismatch`); a row below
seq 1 is outside the chain (`unexpected-event`). A rewrite that re-computes every later
hash and the head is caught only by a signed checkpoint (`app.audit.checkpoints`).
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.audit.chain import GENESIS_HASH, event_hash
from app.audit.models import AuditEvent
from app.audit.service import fields_of, head

_VERIFY_BATCH = 1000
_VERIFY_ROUNDS = 20


class BreakReason(StrEnum):
    """Why the chain does not verify at some event."""

    hash_mismatch = "hash-mismatch"
    """The event's fields no longer hash to its stored hash: it was edited."""
    prev_hash_mismatch = "prev-hash-mismatch"
    """The event does not point at the hash of the event before it."""
    missing_event = "missing-event"
    """A sequence number is missing: an event was deleted (or renumbered away)."""
    unexpected_event = "unexpected-event"
    """An event with a sequence number below 1: inserted outside the chain."""
    head_mismatch = "head-mismatch"
    """The head row disagrees with the last event: events deleted at the end, or
    appended without going through the head."""


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """The first place where the chain does not verify."""

    seq: int | None
    id: int | None
    reason: BreakReason
    detail: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of re-computing the whole chain."""

    ok: bool
    events_checked: int
    head_seq: int
    head_hash: str
    first_broken: BrokenLink | None = None


_VERIFY_COLUMNS = (
    AuditEvent.id,
    AuditEvent.seq,
    AuditEvent.occurred_at,
    AuditEvent.actor,
    AuditEvent.actor_role,
    AuditEvent.action,
    AuditEvent.target_type,
    AuditEvent.target_id,
    AuditEvent.summary,
    AuditEvent.request_id,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


def _stream(session: Session, *, from_seq: int | None) -> Generator[Row[Any], None, None]:
    statement = select(*_VERIFY_COLUMNS).order_by(AuditEvent.seq)
    if from_seq is not None:
        statement = statement.where(AuditEvent.seq >= from_seq)
    result = session.execute(statement.execution_options(yield_per=_VERIFY_BATCH))
    try:
        yield from result
    finally:
        result.close()


def verify_chain(session: Session) -> ChainReport:
    """Re-compute every event's hash and link, in sequence order, and compare the head.

    Events are streamed in batches, so memory stays flat however long the chain is.
    Events appended while the check runs are checked too: when the head has moved past
    the last event read, the check continues from there (a bounded number of times).
    """
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    broken: BrokenLink | None = None
    for round_ in range(_VERIFY_ROUNDS):
        # The first pass reads every row, so one forged below seq 1 is seen too.
        with closing(_stream(session, from_seq=None if round_ == 0 else expected_seq)) as rows:
            for row in rows:
                broken = _check_row(row, expected_seq=expected_seq, prev_hash=prev_hash)
                if broken is not None:
                    break
                checked += 1
                expected_seq, prev_hash = row.seq + 1, row.hash
        head_seq, head_hash = head(session)
        if broken is not None:
            return ChainReport(False, checked, head_seq, head_hash, broken)
        if (head_seq, head_hash) == (expected_seq - 1, prev_hash):
            return ChainReport(True, checked, head_seq, head_hash)
        if head_seq < expected_seq or not _exists_from(session, expected_seq):
            break
    broken = _head_break(session, head_seq=head_seq, last_seq=expected_seq - 1)
    return ChainReport(False, checked, head_seq, head_hash, broken)


def _check_row(row: Row[Any], *, expected_seq: int, prev_hash: str) -> BrokenLink | None:
    if row.seq < expected_seq:
        return BrokenLink(
            row.seq, row.id, BreakReason.unexpected_event, "sequence numbers start at 1"
        )
    if row.seq > expected_seq:
        return BrokenLink(
            expected_seq,
            None,
            BreakReason.missing_event,
            f"no event with seq {expected_seq}; the next one is {row.seq}",
        )
    if event_hash(fields_of(row)) != row.hash:
        return BrokenLink(
            row.seq, row.id, BreakReason.hash_mismatch, "the stored fields do not hash to `hash`"
        )
    if row.prev_hash != prev_hash:
        return BrokenLink(
            row.seq,
            row.id,
            BreakReason.prev_hash_mismatch,
            f"`prev_hash` is not the hash of event {row.seq - 1}",
        )
    return None


def _exists_from(session: Session, seq: int) -> bool:
    return session.scalar(select(AuditEvent.id).where(AuditEvent.seq >= seq).limit(1)) is not None


def _head_break(session: Session, *, head_seq: int, last_seq: int) -> BrokenLink:
    if head_seq > last_seq:
        return BrokenLink(
            last_seq + 1,
            None,
            BreakReason.head_mismatch,
            f"the head is at seq {head_seq} but the last event is {last_seq}: "
            "events were deleted at the end",
        )
    if head_seq < last_seq:
        event_id = session.scalar(select(AuditEvent.id).where(AuditEvent.seq == head_seq + 1))
        return BrokenLink(
            head_seq + 1,
            event_id,
            BreakReason.head_mismatch,
            f"the head is at seq {head_seq} but events go on to {last_seq}: "
            "events were appended without advancing the head",
        )
    event_id = session.scalar(select(AuditEvent.id).where(AuditEvent.seq == last_seq))
    return BrokenLink(
        last_seq or None,
        event_id,
        BreakReason.head_mismatch,
        "the head hash is not the hash of the last event",
    )

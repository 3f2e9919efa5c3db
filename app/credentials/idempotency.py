"""`Idempotency-Key` support: a retry replays the first response and issues nothing twice.

The record is inserted (in a savepoint) before any work is done. A concurrent retry with
the same key then blocks on the unique constraint until the first transaction ends, and
replays its committed response; if the first rolled back, the retry does the work itself.
A record committed while still in progress (a request that died between its writes, on a
database that let the claim escape its transaction) is taken over by the next request with
the same body, so a key is never burnt.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.credentials.errors import IdempotencyKeyReused, InvalidIdempotencyKey
from app.credentials.models import IdempotencyRecord

_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")
IN_PROGRESS = 0


@dataclass(frozen=True, slots=True)
class Replay:
    """The stored first response to this key."""

    status_code: int
    response: dict[str, Any]


def request_hash(body: Any) -> str:
    """A stable hash of a JSON request body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> None:
    """Raise `InvalidIdempotencyKey` (422) unless `key` is 1 to 200 visible ASCII characters."""
    if not _KEY_PATTERN.match(key):
        raise InvalidIdempotencyKey()


@dataclass(frozen=True, slots=True)
class Claim:
    """A request's hold on its `Idempotency-Key` (none without a key)."""

    record: IdempotencyRecord | None
    replay: Replay | None
    """The first request's stored response, when this request is a retry."""

    def complete(self, *, status_code: int, response: dict[str, Any]) -> None:
        """Store the response to replay for later retries (nothing without a key)."""
        if self.record is not None:
            self.record.status_code = status_code
            self.record.response = response


def claim(session: Session, *, principal: str, key: str | None, body: Any, now: datetime) -> Claim:
    """Claim `key` for this request with the JSON `body`, or find the response to replay.

    422 `invalid-idempotency-key` for a malformed key; 409 `idempotency-key-reused` when the
    key was used with another body.
    """
    if key is None:
        return Claim(record=None, replay=None)
    outcome = _begin(session, principal=principal, key=key, body_hash=request_hash(body), now=now)
    if isinstance(outcome, Replay):
        return Claim(record=None, replay=outcome)
    return Claim(record=outcome, replay=None)


def _begin(
    session: Session, *, principal: str, key: str, body_hash: str, now: datetime
) -> IdempotencyRecord | Replay:
    """Claim `key` for this request, or return the response of the request that did."""
    check_key(key)
    existing = _find(session, principal, key)
    if existing is None:
        record = IdempotencyRecord(
            principal=principal,
            key=key,
            request_hash=body_hash,
            status_code=IN_PROGRESS,
            response={},
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(record)
                session.flush()
            return record
        except IntegrityError:
            existing = _find(session, principal, key)
            if existing is None:  # the other request rolled back; nothing to replay
                raise
    if existing.request_hash != body_hash:
        raise IdempotencyKeyReused(f"Idempotency-Key {key!r} was used for another request body.")
    if existing.status_code == IN_PROGRESS:
        # Only a committed record is visible here (an unfinished one would have blocked the
        # insert above until its request ended), so no request is still working on it.
        existing.created_at = now
        return existing
    return Replay(status_code=existing.status_code, response=existing.response)


def _find(session: Session, principal: str, key: str) -> IdempotencyRecord | None:
    return session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.principal == principal, IdempotencyRecord.key == key
        )
    )

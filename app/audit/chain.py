"""The hash chain of audit events: the canonical form of an event and its SHA-256 hash.

Pure: values in, hex digests out; no database, clock or settings.

The hash of an event is ``SHA-256(b"nassc/audit-event/v1\\n" + canonical_json(fields))``
where ``fields`` is an object with exactly these members:

    seq, occurred_at, actor, actor_role, action, target_type, target_id, summary,
    request_id, prev_hash

``canonical_json`` is UTF-8 JSON with keys sorted at every level, no insignificant
whitespace, non-ASCII characters written as themselves and NaN/Infinity refused.
``occurred_at`` is written as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``: always UTC, always six
fraction digits. Both engines store microseconds exactly (PostgreSQL ``timestamptz`` and
SQLite's text form), so a value read back from either hashes to the same bytes.

The row's ``id`` is left out on purpose: it is a storage surrogate assigned by the database
on insert, while ``seq`` is the event's position in the chain and is hashed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

GENESIS_HASH = "0" * 64
"""The `prev_hash` of the first event, and the head hash of an empty chain."""

HASH_DOMAIN = b"nassc/audit-event/v1\n"


class EventFields(BaseModel):
    """Every hashed field of one audit event (`AuditEventRead` adds the row's id and hash)."""

    model_config = ConfigDict(frozen=True)

    seq: int
    occurred_at: datetime
    actor: str
    actor_role: str
    action: str
    target_type: str
    target_id: str | None
    summary: dict[str, Any]
    request_id: str | None
    prev_hash: str


def format_timestamp(moment: datetime) -> str:
    """A UTC timestamp with microseconds and a `Z`, e.g. `2026-11-24T04:27:21.931130Z`."""
    if moment.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8; refuses NaN and Infinity."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def canonical_event(fields: EventFields) -> bytes:
    """The bytes that are hashed for one event (without the domain prefix)."""
    return canonical_json(
        {
            "seq": fields.seq,
            "occurred_at": format_timestamp(fields.occurred_at),
            "actor": fields.actor,
            "actor_role": fields.actor_role,
            "action": fields.action,
            "target_type": fields.target_type,
            "target_id": fields.target_id,
            "summary": fields.summary,
            "request_id": fields.request_id,
            "prev_hash": fields.prev_hash,
        }
    )


def event_hash(fields: EventFields) -> str:
    """The lowercase hex SHA-256 of an event, which the next event stores as `prev_hash`."""
    return hashlib.sha256(HASH_DOMAIN + canonical_event(fields)).hexdigest()


def is_hash(value: object) -> bool:
    """Whether `value` looks like one of our hashes: 64 lowercase hex characters."""
    return (
        isinstance(value, str)
        and len(value) == 64
        and all(character in "0123456789abcdef" for character in value)
    )

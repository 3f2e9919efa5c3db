"""The canonical form and hash of an event, and the redaction of summaries (pure, no database)."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

import pytest

from app.audit.chain import (
    GENESIS_HASH,
    EventFields,
    canonical_event,
    event_hash,
    format_timestamp,
    is_hash,
)
from app.audit.summary import MAX_DEPTH, MAX_ITEMS, MAX_STRING, REDACTED, pick, redact

FIELDS = EventFields(
    seq=1,
    occurred_at=datetime(2026, 11, 24, 4, 27, 21, 931130, tzinfo=UTC),
    actor="user:1",
    actor_role="admin",
    action="user.create",
    target_type="staff_user",
    target_id="2",
    summary={"before": None, "after": {"username": "ana", "role": "auditor", "is_active": True}},
    request_id="req-0001",
    prev_hash=GENESIS_HASH,
)
CANONICAL = (
    '{"action":"user.create","actor":"user:1","actor_role":"admin",'
    '"occurred_at":"2026-11-24T04:27:21.931130Z","prev_hash":"' + "0" * 64 + '",'
    '"request_id":"req-0001","seq":1,'
    '"summary":{"after":{"is_active":true,"role":"auditor","username":"ana"},"before":null},'
    '"target_id":"2","target_type":"staff_user"}'
)
KNOWN_HASH = "be891f667946918b43437a92d93d80cc8f3c1ebe66ca5cb5308895cb2f7ba1e6"


def test_canonical_form_is_sorted_compact_utf8_json() -> None:
    assert canonical_event(FIELDS) == CANONICAL.encode()


def test_hash_is_domain_separated_sha256_of_the_canonical_form() -> None:
    expected = hashlib.sha256(b"nassc/audit-event/v1\n" + CANONICAL.encode()).hexdigest()
    assert event_hash(FIELDS) == expected == KNOWN_HASH
    assert is_hash(KNOWN_HASH)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("seq", 2),
        ("occurred_at", FIELDS.occurred_at + timedelta(microseconds=1)),
        ("actor", "user:9"),
        ("actor_role", "auditor"),
        ("action", "user.update"),
        ("target_type", "api_client"),
        ("target_id", None),
        ("summary", {"before": None, "after": {"role": "admin"}}),
        ("request_id", None),
        ("prev_hash", "1" * 64),
    ],
)
def test_every_field_is_covered_by_the_hash(name: str, value: Any) -> None:
    assert event_hash(FIELDS.model_copy(update={name: value})) != KNOWN_HASH


def test_timestamps_are_utc_with_six_fraction_digits() -> None:
    assert format_timestamp(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == (
        "2026-01-02T03:04:05.000000Z"
    )
    mexico_city = timezone(timedelta(hours=-6))
    local = datetime(2026, 11, 23, 22, 27, 21, 931130, tzinfo=mexico_city)
    assert event_hash(FIELDS.model_copy(update={"occurred_at": local})) == KNOWN_HASH


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_timestamp(datetime(2026, 1, 2, 3, 4, 5))


def test_non_ascii_text_is_hashed_as_utf8() -> None:
    fields = FIELDS.model_copy(update={"summary": {"after": {"name": "Pérez"}}})
    assert '"Pérez"'.encode() in canonical_event(fields)


class Colour(StrEnum):
    red = "red"


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "new_password",
        "client_secret",
        "access_token",
        "claimToken",
        "password_hash",
        "identity_hash",
        "salt",
        "private_key",
        "key_passphrase",
        "Authorization",
        "proofValue",
        "api-key",
        "email",
        "recipient_email",
        "contactEmail",
    ],
)
def test_secret_and_email_members_are_redacted(name: str) -> None:
    assert redact({name: "sensitive", "role": "admin"}) == {name: REDACTED, "role": "admin"}


def test_email_addresses_are_redacted_wherever_they_appear() -> None:
    summary = redact(
        {
            "recipient": {"name": "Ana", "contact": "ana.perez+nassc@example.com.mx"},
            "notes": ["sent to worker@example.org today", "no address here"],
            "did": "did:web:nassc.example",
        }
    )
    assert summary == {
        "recipient": {"name": "Ana", "contact": REDACTED},
        "notes": [REDACTED, "no address here"],
        "did": "did:web:nassc.example",
    }


def test_values_become_what_a_json_column_returns_unchanged() -> None:
    summary = redact(
        {
            "when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            "day": date(2026, 1, 2),
            "colour": Colour.red,
            Colour.red: 1,
            "score": 1e16,
            "ratio": 0.5,
            "ok": True,
            "count": 3,
            "nothing": None,
            "tuple": (1, 2),
            "set": {"b", "a"},
            "nul": "a\x00b",
            "surrogate": "x\ud800y",
        }
    )
    assert summary == {
        "when": "2026-01-02T03:04:05.000000Z",
        "day": "2026-01-02",
        "colour": "red",
        "red": 1,
        "score": "1e+16",
        "ratio": "0.5",
        "ok": True,
        "count": 3,
        "nothing": None,
        "tuple": [1, 2],
        "set": ["a", "b"],
        "nul": "a\ufffdb",
        "surrogate": "x?y",
    }


def test_summaries_are_bounded() -> None:
    nested: dict[str, Any] = {"leaf": 1}
    for _ in range(MAX_DEPTH + 2):
        nested = {"inner": nested}
    summary = redact(
        {"long": "x" * (MAX_STRING * 2), "many": list(range(MAX_ITEMS * 2)), "deep": nested}
    )
    assert summary is not None
    assert len(summary["long"]) == MAX_STRING
    assert len(summary["many"]) == MAX_ITEMS
    depth, node = 0, summary["deep"]
    while isinstance(node, dict):
        node, depth = node["inner"], depth + 1
    assert node == REDACTED
    assert depth < MAX_DEPTH


def test_no_summary_stays_none() -> None:
    assert redact(None) is None


def test_pick_takes_attributes_and_redact_still_applies() -> None:
    @dataclasses.dataclass
    class Row:
        status: str
        contact_email: str

    picked = pick(Row(status="accredited", contact_email="a@b.example"), "status", "contact_email")
    assert picked == {"status": "accredited", "contact_email": "a@b.example"}
    assert redact(picked) == {"status": "accredited", "contact_email": REDACTED}

"""Re-verifying the chain: it verifies after many events, and editing, deleting or inserting
an audit row directly in the database is detected and named."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit import verification
from app.audit.chain import EventFields, event_hash
from app.audit.models import AuditEvent, AuditHead
from app.auth.roles import Role
from app.db import utcnow
from tests.audit.helpers import USERS, append, events, staff, verify


def break_at(report: dict[str, Any]) -> tuple[int | None, str]:
    assert report["ok"] is False, report
    broken = report["first_broken"]
    return broken["seq"], broken["reason"]


def event_id(db: Session, seq: int) -> int:
    found = db.scalar(select(AuditEvent.id).where(AuditEvent.seq == seq))
    assert found is not None
    return found


def forge(*, seq: int, prev_hash: str) -> dict[str, Any]:
    """Column values of a forged event whose own hash is correct."""
    fields = EventFields(
        seq=seq,
        occurred_at=utcnow(),
        actor="user:1",
        actor_role="admin",
        action="user.create",
        target_type="staff_user",
        target_id="666",
        summary={"before": None, "after": {"username": "backdoor", "role": "admin"}},
        request_id=None,
        prev_hash=prev_hash,
    )
    return {**fields.model_dump(), "hash": event_hash(fields)}


def hash_of(db: Session, seq: int) -> str:
    found = db.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
    assert found is not None
    return found


@pytest.fixture
def auditor(client: TestClient, db: Session) -> dict[str, str]:
    """An auditor's headers, on a chain of 10 events (user.create and auth.login first)."""
    headers, _ = staff(client, db, Role.auditor)
    append(db, 8)
    return headers


def test_the_chain_verifies_after_many_events(client: TestClient, db: Session) -> None:
    admin, _ = staff(client, db, Role.admin)
    for number in range(5):
        response = client.post(
            USERS,
            headers=admin,
            json={"username": f"user{number}", "password": "p" * 12, "role": "auditor"},
        )
        assert response.status_code == 201
    append(db, 120)
    audit_service.record_many(
        db,
        [
            audit_service.AuditEntry(actor=None, action="bulk", target_type="t", target_id=str(n))
            for n in range(2_100)
        ],
        now=utcnow(),
    )
    db.commit()
    report = verify(client, admin)
    total = 2 + 5 + 120 + 2_100
    assert report == {
        "ok": True,
        "events_checked": total,
        "head_seq": total,
        "head_hash": hash_of(db, total),
        "first_broken": None,
    }
    assert [event.seq for event in events(db)] == list(range(1, total + 1))


def test_an_empty_chain_verifies(client: TestClient, db: Session) -> None:
    headers, _ = staff(client, db, Role.auditor)
    db.execute(delete(AuditEvent))
    db.execute(update(AuditHead).values(seq=0, head_hash="0" * 64))
    db.commit()
    assert verify(client, headers)["ok"] is True


def test_editing_a_summary_names_that_event(
    client: TestClient, db: Session, auditor: dict[str, str]
) -> None:
    db.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(summary={"after": "nothing"}))
    db.commit()
    report = verify(client, auditor)
    assert break_at(report) == (3, "hash-mismatch")
    assert report["first_broken"]["id"] == event_id(db, 3)
    assert report["events_checked"] == 2


@pytest.mark.parametrize(
    "assignment",
    [
        "actor = 'user:999'",
        "actor_role = 'admin'",
        "action = 'nothing.happened'",
        "target_id = NULL",
        "request_id = 'forged-request'",
        "prev_hash = '" + "a" * 64 + "'",
        "hash = '" + "b" * 64 + "'",
    ],
)
def test_editing_any_column_with_plain_sql_is_detected(
    client: TestClient, db: Session, auditor: dict[str, str], assignment: str
) -> None:
    db.execute(text(f"UPDATE audit_event SET {assignment} WHERE seq = 3"))  # noqa: S608 - fixed
    db.commit()
    assert break_at(verify(client, auditor)) == (3, "hash-mismatch")


def test_editing_a_timestamp_is_detected(
    client: TestClient, db: Session, auditor: dict[str, str]
) -> None:
    [event] = events(db, seq=5)
    db.execute(
        update(AuditEvent)
        .where(AuditEvent.seq == 5)
        .values(occurred_at=event.occurred_at - timedelta(microseconds=1))
    )
    db.commit()
    assert break_at(verify(client, auditor)) == (5, "hash-mismatch")


def test_editing_an_event_and_its_hash_breaks_the_next_link(
    client: TestClient, db: Session, auditor: dict[str, str]
) -> None:
    [event] = events(db, seq=3)
    event.action = "nothing.happened"
    event.hash = event_hash(audit_service.fields_of(event))
    db.commit()
    assert break_at(verify(client, auditor)) == (4, "prev-hash-mismatch")


def test_deleting_an_event_names_the_gap(
    client: TestClient, db: Session, auditor: dict[str, str]
) -> None:
    db.execute(text("DELETE FROM audit_event WHERE seq = 4"))
    db.commit()
    report = verify(client, auditor)
    assert break_at(report) == (4, "missing-event")
    assert report["first_broken"]["id"] is None


def test_deleting_the_last_events_is_a_head_mismatch(
    client: TestClient, db: Session, auditor: dict[str, str]
) -> None:
    db.execute(text("DELETE FROM audit_event WHERE seq >= 9"))
    db.commit()
    report = verify(client, auditor)
    assert break_at(report) == (9, "head-mismatch")
    assert report["events_checked"] == 8
    assert report["head_seq"] == 10


def test_inserting_a_forged_event_by_renumbering_the_rest_is_detected(
    client: TestClient, db: Session, auditor: dict[str, str]
) -> None:
    # Two steps, because the unique constraint on seq is checked row by row.
    db.execute(update(AuditEvent).where(AuditEvent.seq >= 3).values(seq=-AuditEvent.seq))
    db.execute(update(AuditEvent).where(AuditEvent.seq < 0).values(seq=-AuditEvent.seq + 1))
    db.execute(insert(AuditEvent).values(**forge(seq=3, prev_hash=hash_of(db, 2))))
    db.execute(update(AuditHead).values(seq=11))
    db.commit()
    report = verify(client, auditor)
    # The forged event links correctly; the one it displaced no longer hashes (seq changed).
    assert break_at(report) == (4, "hash-mismatch")
    assert report["events_checked"] == 3


def test_appending_a_forged_event_without_the_head_is_detected(
    client: TestClient, db: Session, auditor: dict[str, str]
) -> None:
    forged = forge(seq=11, prev_hash=hash_of(db, 10))
    db.execute(insert(AuditEvent).values(**forged))
    db.commit()
    report = verify(client, auditor)
    assert break_at(report) == (11, "head-mismatch")
    assert report["first_broken"]["id"] == event_id(db, 11)


def test_inserting_an_event_beyond_the_head_is_a_gap(
    client: TestClient, db: Session, auditor: dict[str, str]
) -> None:
    db.execute(insert(AuditEvent).values(**forge(seq=15, prev_hash=hash_of(db, 10))))
    db.commit()
    assert break_at(verify(client, auditor)) == (11, "missing-event")


def test_inserting_an_event_before_the_first_is_detected(
    client: TestClient, db: Session, auditor: dict[str, str]
) -> None:
    db.execute(insert(AuditEvent).values(**forge(seq=0, prev_hash="0" * 64)))
    db.commit()
    assert break_at(verify(client, auditor)) == (0, "unexpected-event")


def test_a_head_that_does_not_match_the_last_event_is_detected(
    client: TestClient, db: Session, auditor: dict[str, str]
) -> None:
    db.execute(update(AuditHead).values(head_hash="c" * 64))
    db.commit()
    assert break_at(verify(client, auditor)) == (10, "head-mismatch")


def test_a_missing_head_row_is_recreated_from_the_last_event(db: Session) -> None:
    append(db, 3)
    db.execute(delete(AuditHead))
    db.commit()
    append(db, 2)
    report = verification.verify_chain(db)
    assert (report.ok, report.events_checked, report.head_seq) == (True, 5, 5)

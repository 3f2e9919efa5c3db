"""Helpers for audit tests: reading events back, admins with known ids, direct appends."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.db import utcnow
from app.users.models import StaffUser
from tests.factories import create_staff_user, password_token

AUDIT = "/api/v1/admin/audit"
USERS = "/api/v1/admin/users"


def events(db: Session, **filters: Any) -> list[AuditEvent]:
    """Committed events matching column equality filters, in chain order."""
    db.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.seq)
    for name, value in filters.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.scalars(query))


def user_id(db: Session, username: str) -> int:
    """The id of a staff user."""
    found = db.scalar(select(StaffUser.id).where(StaffUser.username == username))
    assert found is not None
    return found


def staff(client: TestClient, db: Session, role: Role) -> tuple[dict[str, str], int]:
    """Authorization headers of a new staff user with `role`, and the user's id."""
    username = create_staff_user(db, role)
    token = password_token(client, username)
    return {"Authorization": f"Bearer {token}"}, user_id(db, username)


def append(db: Session, count: int, *, action: str = "test.event") -> None:
    """Append and commit `count` events straight through the service (no request)."""
    for number in range(count):
        audit_service.record(
            db,
            actor=None,
            actor_override=("tester", "system"),
            action=action,
            target_type="thing",
            target_id=str(number),
            after={"number": number, "label": f"event {number}"},
            now=utcnow(),
        )
    db.commit()


def verify(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """The chain report from the API."""
    response = client.get(f"{AUDIT}/verify", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body

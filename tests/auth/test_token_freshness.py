"""A change to a staff account ends the access tokens issued before it.

Tokens carry `iat` in whole seconds and accounts an exact `updated_at`; a token is refused
when it was issued in an earlier second than the account's last change. Tests that need an
"earlier" token mint it in the past (`earlier_staff_token`) rather than sleeping.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.roles import Role
from app.config import Settings
from app.users.models import StaffUser
from tests.factories import (
    create_staff_user,
    earlier_staff_token,
    password_token,
    staff_headers,
)
from tests.test_errors import assert_problem

ME = "/api/v1/auth/me"
USERS = "/api/v1/admin/users"
NEW_PASSWORD = "a-new-long-password"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def user_of(db: Session, username: str) -> StaffUser:
    db.expire_all()
    user = db.scalar(select(StaffUser).where(StaffUser.username == username))
    assert user is not None
    return user


def test_a_password_reset_ends_earlier_tokens_and_the_new_password_signs_in(
    client: TestClient, db: Session, settings: Settings
) -> None:
    admin = staff_headers(client, db, Role.admin)
    username, old_token = earlier_staff_token(db, settings, Role.registrar)
    assert client.get(ME, headers=bearer(old_token)).status_code == 200

    target = user_of(db, username).id
    response = client.post(
        f"{USERS}/{target}/reset-password", headers=admin, json={"password": NEW_PASSWORD}
    )
    assert response.status_code == 200, response.text

    assert_problem(client.get(ME, headers=bearer(old_token)), 401, "unauthorized")
    new_token = password_token(client, username, NEW_PASSWORD)
    me = client.get(ME, headers=bearer(new_token))
    assert me.status_code == 200
    assert me.json()["subject"] == f"user:{target}"


def test_a_role_change_and_back_still_ends_earlier_tokens(
    client: TestClient, db: Session, settings: Settings
) -> None:
    admin = staff_headers(client, db, Role.admin)
    username, old_token = earlier_staff_token(db, settings, Role.auditor)
    target = user_of(db, username).id
    for role in ("registrar", "auditor"):
        response = client.patch(f"{USERS}/{target}", headers=admin, json={"role": role})
        assert response.status_code == 200, response.text
    # The token names the role the account has again, but it predates the changes.
    assert_problem(client.get(ME, headers=bearer(old_token)), 401, "unauthorized")
    assert client.get(ME, headers=bearer(password_token(client, username))).status_code == 200


def test_signing_in_right_after_the_account_is_created_works(
    client: TestClient, db: Session
) -> None:
    username = create_staff_user(db, Role.auditor)
    token = password_token(client, username)
    assert client.get(ME, headers=bearer(token)).status_code == 200


def test_the_cut_off_is_the_second_of_the_last_change(db: Session, settings: Settings) -> None:
    username, _ = earlier_staff_token(db, settings, Role.registrar)
    user = user_of(db, username)
    changed = int(user.updated_at.timestamp())
    subject, role = f"user:{user.id}", Role.registrar

    def load(issued_at: int | None) -> bool:
        principal = auth_service.load_principal(db, subject=subject, role=role, issued_at=issued_at)
        return principal is not None

    assert load(changed)  # issued in the same second as the change (e.g. right after it)
    assert load(changed + 60)
    assert not load(changed - 1)
    assert load(None)  # callers without an issue time only check active and role

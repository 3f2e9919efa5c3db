"""Staff user management: each change takes effect on the next request and leaves exactly
one audit event, with the right actor, target and request id and no secrets."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.config import Settings
from app.db import utcnow
from app.users import service as users_service
from tests.audit.helpers import USERS, events, staff, user_id
from tests.factories import create_staff_user, earlier_staff_token, password_token
from tests.helpers import assert_problem

NEW_PASSWORD = "another-long-password"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_one_event(
    db: Session, *, action: str, target_id: int, actor_id: int, request_id: str
) -> dict[str, object]:
    found = events(db, action=action, target_id=str(target_id))
    assert len(found) == 1, [event.action for event in found]
    event = found[0]
    assert (event.actor, event.actor_role) == (f"user:{actor_id}", "admin")
    assert event.target_type == "staff_user"
    assert event.request_id == request_id
    text = json.dumps(event.summary)
    assert "argon2" not in text
    assert NEW_PASSWORD not in text
    return dict(event.summary)


def test_creating_a_user_is_audited_without_the_password(client: TestClient, db: Session) -> None:
    headers, admin_id = staff(client, db, Role.admin)
    response = client.post(
        USERS,
        headers=headers,
        json={"username": "auditor.ana", "password": NEW_PASSWORD, "role": "auditor"},
    )
    assert response.status_code == 201, response.text
    summary = assert_one_event(
        db,
        action="user.create",
        target_id=response.json()["id"],
        actor_id=admin_id,
        request_id=response.headers["x-request-id"],
    )
    assert summary == {
        "before": None,
        "after": {"username": "auditor.ana", "role": "auditor", "is_active": True},
    }


def test_usernames_that_are_email_addresses_are_not_logged_in_clear(
    client: TestClient, db: Session
) -> None:
    headers, _ = staff(client, db, Role.admin)
    response = client.post(
        USERS,
        headers=headers,
        json={"username": "ana@nassc.example", "password": NEW_PASSWORD, "role": "registrar"},
    )
    assert response.status_code == 201
    [event] = events(db, action="user.create", target_id=str(response.json()["id"]))
    assert "ana@nassc.example" not in json.dumps(event.summary)


def test_disabling_a_user_stops_their_valid_token_and_is_audited(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers, admin_id = staff(client, db, Role.admin)
    username, token = earlier_staff_token(db, settings, Role.registrar)
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200
    target = user_id(db, username)

    response = client.post(f"{USERS}/{target}/disable", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False
    summary = assert_one_event(
        db,
        action="user.disable",
        target_id=target,
        actor_id=admin_id,
        request_id=response.headers["x-request-id"],
    )
    assert summary == {
        "before": {"role": "registrar", "is_active": True},
        "after": {"role": "registrar", "is_active": False},
    }
    assert_problem(client.get("/api/v1/auth/me", headers=bearer(token)), 401, "unauthorized")

    response = client.post(f"{USERS}/{target}/enable", headers=headers)
    assert response.status_code == 200
    assert_one_event(
        db,
        action="user.enable",
        target_id=target,
        actor_id=admin_id,
        request_id=response.headers["x-request-id"],
    )
    # Re-enabling does not revive tokens from before: the user signs in again.
    assert_problem(client.get("/api/v1/auth/me", headers=bearer(token)), 401, "unauthorized")
    fresh = password_token(client, username)
    assert client.get("/api/v1/auth/me", headers=bearer(fresh)).status_code == 200


def test_a_request_that_changes_nothing_records_nothing(client: TestClient, db: Session) -> None:
    headers, _ = staff(client, db, Role.admin)
    _, target = staff(client, db, Role.auditor)
    response = client.post(f"{USERS}/{target}/enable", headers=headers)
    assert response.status_code == 200
    response = client.patch(f"{USERS}/{target}", headers=headers, json={"role": "auditor"})
    assert response.status_code == 200
    assert [event.action for event in events(db, target_id=str(target))] == [
        "user.create",
        "auth.login",
    ]


def test_changing_a_role_takes_effect_on_the_next_request(client: TestClient, db: Session) -> None:
    headers, admin_id = staff(client, db, Role.admin)
    auditor_headers, target = staff(client, db, Role.auditor)
    assert client.get(USERS, headers=auditor_headers).status_code == 403

    response = client.patch(f"{USERS}/{target}", headers=headers, json={"role": "admin"})
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "admin"
    summary = assert_one_event(
        db,
        action="user.change-role",
        target_id=target,
        actor_id=admin_id,
        request_id=response.headers["x-request-id"],
    )
    assert summary["before"] == {"role": "auditor", "is_active": True}
    assert summary["after"] == {"role": "admin", "is_active": True}
    # The old token names the old role: it is refused, and a new sign-in gets the new one.
    assert_problem(client.get(USERS, headers=auditor_headers), 401, "unauthorized")


def test_changing_role_and_active_flag_at_once_is_one_update_event(
    client: TestClient, db: Session
) -> None:
    headers, admin_id = staff(client, db, Role.admin)
    _, target = staff(client, db, Role.registrar)
    response = client.patch(
        f"{USERS}/{target}", headers=headers, json={"role": "auditor", "is_active": False}
    )
    assert response.status_code == 200
    summary = assert_one_event(
        db,
        action="user.update",
        target_id=target,
        actor_id=admin_id,
        request_id=response.headers["x-request-id"],
    )
    assert summary["after"] == {"role": "auditor", "is_active": False}


def test_reset_password_with_a_chosen_password(client: TestClient, db: Session) -> None:
    headers, admin_id = staff(client, db, Role.admin)
    username = create_staff_user(db, Role.registrar)
    target = user_id(db, username)
    response = client.post(
        f"{USERS}/{target}/reset-password", headers=headers, json={"password": NEW_PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["generated_password"] is None
    summary = assert_one_event(
        db,
        action="user.reset-password",
        target_id=target,
        actor_id=admin_id,
        request_id=response.headers["x-request-id"],
    )
    assert summary == {"before": None, "after": {"generated": False}}
    password_token(client, username, NEW_PASSWORD)
    failed = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": "a-long-test-password"},
    )
    assert failed.status_code == 401


def test_reset_password_generates_one_when_none_is_given(client: TestClient, db: Session) -> None:
    headers, _ = staff(client, db, Role.admin)
    username = create_staff_user(db, Role.auditor)
    target = user_id(db, username)
    response = client.post(f"{USERS}/{target}/reset-password", headers=headers)
    assert response.status_code == 200, response.text
    generated = response.json()["generated_password"]
    assert isinstance(generated, str)
    assert len(generated) >= 24
    password_token(client, username, generated)
    [event] = events(db, action="user.reset-password", target_id=str(target))
    assert generated not in json.dumps(event.summary)
    assert event.summary["after"] == {"generated": True}


def test_reset_password_refuses_a_short_password(client: TestClient, db: Session) -> None:
    headers, _ = staff(client, db, Role.admin)
    _, target = staff(client, db, Role.auditor)
    response = client.post(
        f"{USERS}/{target}/reset-password", headers=headers, json={"password": "short"}
    )
    assert_problem(response, 422, "validation-error")
    assert events(db, action="user.reset-password") == []


def test_admins_cannot_disable_or_demote_themselves(client: TestClient, db: Session) -> None:
    headers, admin_id = staff(client, db, Role.admin)
    staff(client, db, Role.admin)  # another admin exists, and still self-lockout is refused
    body = assert_problem(
        client.post(f"{USERS}/{admin_id}/disable", headers=headers), 409, "self-lockout"
    )
    assert body["detail"]
    assert_problem(
        client.patch(f"{USERS}/{admin_id}", headers=headers, json={"role": "auditor"}),
        409,
        "self-lockout",
    )
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert events(db, target_id=str(admin_id), action="user.disable") == []


def test_another_admin_can_be_disabled_while_one_stays_active(
    client: TestClient, db: Session
) -> None:
    headers, _ = staff(client, db, Role.admin)
    other_headers, other_id = staff(client, db, Role.admin)
    assert client.post(f"{USERS}/{other_id}/disable", headers=headers).status_code == 200
    assert_problem(client.get(USERS, headers=other_headers), 401, "unauthorized")


def test_unknown_users_and_provider_roles_are_refused(client: TestClient, db: Session) -> None:
    headers, _ = staff(client, db, Role.admin)
    _, target = staff(client, db, Role.auditor)
    assert_problem(client.post(f"{USERS}/999999/disable", headers=headers), 404, "user-not-found")
    assert_problem(
        client.patch(f"{USERS}/{target}", headers=headers, json={"role": "provider"}),
        422,
        "validation-error",
    )
    assert_problem(
        client.patch(f"{USERS}/{target}", headers=headers, json={}), 422, "validation-error"
    )


def test_only_admins_manage_users(client: TestClient, db: Session) -> None:
    registrar, _ = staff(client, db, Role.registrar)
    _, target = staff(client, db, Role.auditor)
    for response in (
        client.post(f"{USERS}/{target}/disable", headers=registrar),
        client.patch(f"{USERS}/{target}", headers=registrar, json={"role": "admin"}),
        client.post(f"{USERS}/{target}/reset-password", headers=registrar),
    ):
        assert_problem(response, 403, "forbidden")
    assert_problem(client.post(f"{USERS}/{target}/disable"), 401, "unauthorized")


def test_the_last_active_admin_cannot_be_disabled_from_the_command_line(db: Session) -> None:
    admin_id = user_id(db, create_staff_user(db, Role.admin))
    with pytest.raises(users_service.LastAdmin):
        users_service.set_active(db, user_id=admin_id, active=False, actor=None, now=utcnow())
    db.rollback()
    auditor_id = user_id(db, create_staff_user(db, Role.auditor))
    users_service.update_user(db, user_id=auditor_id, role=Role.admin, actor=None, now=utcnow())
    users_service.set_active(db, user_id=admin_id, active=False, actor=None, now=utcnow())
    db.commit()
    [event] = events(db, action="user.disable")
    assert (event.actor, event.actor_role, event.request_id) == ("system", "system", None)

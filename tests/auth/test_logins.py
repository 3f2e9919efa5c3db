"""Sign-ins are audited: successes in the request's transaction, failures in their own
(the failed request's transaction rolls back, and must not take its event with it)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from tests.audit.helpers import events, user_id
from tests.factories import PASSWORD, client_credentials, create_provider, create_staff_user

TOKEN = "/api/v1/auth/token"


def test_a_password_login_leaves_one_event(client: TestClient, db: Session) -> None:
    username = create_staff_user(db, Role.auditor)
    response = client.post(
        TOKEN, data={"grant_type": "password", "username": username, "password": PASSWORD}
    )
    assert response.status_code == 200
    target = user_id(db, username)
    [event] = events(db, action="auth.login")
    assert (event.actor, event.actor_role) == (f"user:{target}", "auditor")
    assert (event.target_type, event.target_id) == ("staff_user", str(target))
    assert event.request_id == response.headers["x-request-id"]
    assert event.summary == {"before": None, "after": {"grant_type": "password"}}
    assert PASSWORD not in json.dumps(event.summary)


def test_a_client_credentials_login_leaves_one_event(client: TestClient, db: Session) -> None:
    provider = create_provider(db)
    client_id, secret = client_credentials(db, provider)
    response = client.post(
        TOKEN,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200
    [event] = events(db, action="auth.login")
    assert (event.actor, event.actor_role) == (f"client:{client_id}", "provider")
    assert (event.target_type, event.target_id) == ("api_client", client_id)
    assert secret not in json.dumps(event.summary)


def test_a_wrong_password_is_audited_although_the_request_fails(
    client: TestClient, db: Session
) -> None:
    username = create_staff_user(db, Role.admin)
    response = client.post(
        TOKEN,
        data={"grant_type": "password", "username": username, "password": "wrong-password-123"},
    )
    assert response.status_code == 401
    [event] = events(db, action="auth.login-failed")
    assert (event.actor, event.actor_role) == ("anonymous", "anonymous")
    assert (event.target_type, event.target_id) == ("staff_user", None)
    assert event.request_id == response.headers["x-request-id"]
    assert event.summary["after"] == {
        "grant_type": "password",
        "username": username,
        "reason": "Unknown username or wrong password.",
    }
    assert "wrong-password-123" not in json.dumps(event.summary)
    assert events(db, action="auth.login") == []


def test_a_disabled_account_and_a_wrong_client_secret_are_audited(
    client: TestClient, db: Session
) -> None:
    username = create_staff_user(db, Role.registrar, username="former.staff@nassc.example")
    user = user_id(db, username)
    headers = {"Authorization": f"Bearer {_admin_token(client, db)}"}
    assert client.post(f"/api/v1/admin/users/{user}/disable", headers=headers).status_code == 200
    disabled = client.post(
        TOKEN, data={"grant_type": "password", "username": username, "password": PASSWORD}
    )
    assert disabled.status_code == 401
    bad_client = client.post(
        TOKEN,
        data={"grant_type": "client_credentials", "client_id": "nope", "client_secret": "x" * 20},
    )
    assert bad_client.status_code == 401
    first, second = events(db, action="auth.login-failed")
    assert first.summary["after"]["reason"] == "This account is disabled."
    assert first.summary["after"]["username"] == "[redacted]"  # an email address
    assert (second.target_type, second.summary["after"]["client_id"]) == ("api_client", "nope")
    assert "x" * 20 not in json.dumps(second.summary)


def test_malformed_token_requests_are_not_login_attempts(client: TestClient, db: Session) -> None:
    assert client.post(TOKEN, data={"grant_type": "password"}).status_code == 400
    assert client.post(TOKEN, data={"grant_type": "implicit"}).status_code == 400
    assert events(db) == []


def _admin_token(client: TestClient, db: Session) -> str:
    username = create_staff_user(db, Role.admin)
    response = client.post(
        TOKEN, data={"grant_type": "password", "username": username, "password": PASSWORD}
    )
    return str(response.json()["access_token"])

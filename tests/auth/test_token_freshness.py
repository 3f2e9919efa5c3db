"""A change to a staff account, or to a provider's API client, ends the access tokens
issued before it.

Tokens carry `iat` in whole seconds, accounts an exact `updated_at` and clients an exact
`secret_issued_at`; a token is refused when it was issued in an earlier second than the
last change. A revoked client's tokens are refused whenever they were issued. Tests that
need an "earlier" token mint it in the past (`earlier_staff_token`, `earlier_client_token`)
rather than sleeping.
"""

from __future__ import annotations

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.roles import Role
from app.config import Settings
from app.providers.models import ApiClient
from app.users.models import StaffUser
from tests.factories import (
    create_provider,
    create_staff_user,
    earlier_client_token,
    earlier_staff_token,
    password_token,
    provider_headers,
    staff_headers,
)
from tests.helpers import assert_problem

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


def client_token(client: TestClient, client_id: str, secret: str) -> httpx2.Response:
    return client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


def test_revoking_a_client_stops_its_valid_token_on_the_next_request(
    client: TestClient, db: Session
) -> None:
    admin = staff_headers(client, db, Role.admin)
    provider = create_provider(db)
    headers = provider_headers(client, db, provider)  # issued in this very second
    assert client.get(ME, headers=headers).status_code == 200
    client_id = client.get(ME, headers=headers).json()["subject"].removeprefix("client:")

    clients = f"/api/v1/admin/providers/{provider.id}/clients"
    assert client.post(f"{clients}/{client_id}/revoke", headers=admin).status_code == 200

    assert_problem(client.get(ME, headers=headers), 401, "unauthorized")
    assert_problem(client.get("/api/v1/provider/curricula", headers=headers), 401, "unauthorized")


def test_rotating_a_client_secret_ends_earlier_tokens_and_the_old_secret(
    client: TestClient, db: Session, settings: Settings
) -> None:
    admin = staff_headers(client, db, Role.admin)
    provider = create_provider(db)
    client_id, old_token = earlier_client_token(db, settings, provider)
    assert client.get(ME, headers=bearer(old_token)).status_code == 200

    clients = f"/api/v1/admin/providers/{provider.id}/clients"
    rotated = client.post(f"{clients}/{client_id}/rotate", headers=admin)
    assert rotated.status_code == 200, rotated.text

    # A leaked secret is why one rotates: what was got with it must end too.
    assert_problem(client.get(ME, headers=bearer(old_token)), 401, "unauthorized")
    new_token = client_token(client, client_id, rotated.json()["client_secret"])
    assert new_token.status_code == 200, new_token.text
    me = client.get(ME, headers=bearer(new_token.json()["access_token"]))
    assert me.status_code == 200
    assert me.json()["subject"] == f"client:{client_id}"


def test_the_client_cut_off_is_the_second_of_the_last_rotation(
    db: Session, settings: Settings
) -> None:
    provider = create_provider(db)
    client_id, _ = earlier_client_token(db, settings, provider)
    api_client = db.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    assert api_client is not None
    rotated = int(api_client.secret_issued_at.timestamp())
    subject = f"client:{client_id}"

    def load(issued_at: int | None) -> bool:
        principal = auth_service.load_principal(
            db, subject=subject, role=Role.provider, issued_at=issued_at
        )
        return principal is not None

    assert load(rotated)
    assert load(rotated + 60)
    assert not load(rotated - 1)
    assert load(None)

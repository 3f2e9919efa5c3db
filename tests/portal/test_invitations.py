"""Inviting provider users: staff invite a provider's first admin, the invitee chooses a
password through a single-use, expiring link."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.db import utcnow
from app.fields import Language
from app.provider_users import service as provider_users_service
from app.provider_users.models import ProviderInvitation, ProviderRole, ProviderUser
from tests.audit.helpers import events
from tests.console.helpers import csrf_token, page
from tests.factories import PASSWORD, create_provider, staff_headers
from tests.portal.helpers import LOGIN, STAFF, accept, invite, sign_in

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def test_staff_invite_a_providers_first_admin_who_then_signs_in(
    client: TestClient, db: Session
) -> None:
    provider = create_provider(db)
    response = client.post(
        f"/api/v1/admin/providers/{provider.id}/users",
        headers=staff_headers(client, db, Role.registrar),
        json={"email": "Registrar@Tec-Puebla.example", "name": "Lucía Ramírez", "language": "es"},
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["email"] == "registrar@tec-puebla.example"
    assert (body["role"], body["language"], body["provider_id"]) == (
        "provider_admin",
        "es",
        provider.id,
    )
    assert "password_hash" not in body
    link = urlsplit(body["invitation_url"])
    assert link.path.startswith("/portal/invitations/")
    assert len(link.path.rsplit("/", 1)[1]) >= 40

    form = page(client.get(f"{link.path}?lang=es"))
    assert form.find("h1").text == "Elija su contraseña"
    assert "registrar@tec-puebla.example" in form.text
    accepted = accept(client, link.path)
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/portal/login?lang=en&done=welcome"
    assert sign_in(client, "REGISTRAR@tec-puebla.example").status_code == 303
    dashboard = page(client.get("/portal"))
    assert dashboard.find("h1").text == provider.name
    assert "Lucía Ramírez, Provider administrator" in dashboard.text
    assert [e.action for e in events(db, target_type="provider_user")][:2] == [
        "provider_user.invited",
        "provider_user.invitation-accepted",
    ]


def test_only_a_digest_of_the_token_is_stored(client: TestClient, db: Session) -> None:
    _, path = invite(db, create_provider(db))
    token = path.rsplit("/", 1)[1]
    stored = db.scalars(select(ProviderInvitation.token_hash)).all()
    assert stored == [provider_users_service.token_digest(token)]
    assert token not in stored


def test_an_invitation_link_works_once(client: TestClient, db: Session) -> None:
    _, path = invite(db, create_provider(db))
    assert accept(client, path).status_code == 303
    again = page(client.get(path), 410)
    assert "has been used or has expired" in again.text
    assert page(client.get(f"{path}?lang=fr"), 410).find("html").attrs["lang"] == "fr"


def test_an_expired_invitation_is_refused(client: TestClient, db: Session) -> None:
    provider = create_provider(db)
    invitation = provider_users_service.invite(
        db,
        provider_id=provider.id,
        email="late@provider.example",
        name="Late",
        role=ProviderRole.provider_staff,
        language=Language.en,
        actor=STAFF,
        now=utcnow() - timedelta(days=provider_users_service.INVITATION_DAYS, seconds=1),
    )
    db.commit()
    page(client.get(f"/portal/invitations/{invitation.token}"), 410)


def test_inviting_again_voids_the_earlier_link(client: TestClient, db: Session) -> None:
    provider = create_provider(db)
    email, first = invite(db, provider)
    _, second = invite(db, provider, email=email)
    page(client.get(first), 410)
    assert accept(client, second).status_code == 303


def test_someone_with_an_account_cannot_be_invited_again(client: TestClient, db: Session) -> None:
    provider = create_provider(db)
    email, path = invite(db, provider)
    assert accept(client, path).status_code == 303
    other = create_provider(db)
    for target in (provider, other):
        response = client.post(
            f"/api/v1/admin/providers/{target.id}/users",
            headers=staff_headers(client, db, Role.admin),
            json={"email": email, "name": "Again", "language": "en"},
        )
        assert response.status_code == 409, response.text
        assert response.json()["type"].endswith("/provider-user-exists")


def test_a_short_or_mistyped_password_is_refused(client: TestClient, db: Session) -> None:
    _, path = invite(db, create_provider(db))
    token = csrf_token(page(client.get(path)))
    short = page(
        client.post(path, data={"password": "short", "confirmation": "short", "csrf_token": token}),
        400,
    )
    assert "at least 12 characters" in short.find("div", class_="console-error-summary").text
    mistyped = page(
        client.post(
            f"{path}?lang=fr",
            data={"password": PASSWORD, "confirmation": PASSWORD + "x", "csrf_token": token},
        ),
        400,
    )
    assert "Les deux mots de passe sont différents." in mistyped.text
    user = db.scalars(select(ProviderUser)).one()
    db.refresh(user)
    assert user.password_hash is None
    assert accept(client, path).status_code == 303


def test_accepting_needs_the_forms_csrf_token(client: TestClient, db: Session) -> None:
    _, path = invite(db, create_provider(db))
    page(client.get(path))
    refused = client.post(path, data={"password": PASSWORD, "confirmation": PASSWORD})
    assert refused.status_code == 403
    assert accept(client, path).status_code == 303


def test_an_unknown_invitation_is_gone(client: TestClient) -> None:
    page(client.get("/portal/invitations/no-such-token"), 410)
    assert client.get(LOGIN).status_code == 200

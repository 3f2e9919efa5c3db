"""Helpers for portal tests: inviting provider users, accepting, signing in through the forms."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Principal, Role
from app.db import utcnow
from app.fields import Language
from app.links import invitation_url
from app.provider_users import service as provider_users_service
from app.provider_users.models import ProviderRole
from app.providers.models import TrainingProvider
from tests.console.helpers import csrf_token, page
from tests.factories import PASSWORD

PORTAL = "/portal"
LOGIN = f"{PORTAL}/login"
STAFF = Principal(subject="user:0", role=Role.admin, name="test staff", user_id=0)
_counter = itertools.count(1)


@dataclass(frozen=True)
class PortalAccount:
    """A provider user who has accepted their invitation."""

    email: str
    provider_id: int
    user_id: int


def invite(
    db: Session,
    provider: TrainingProvider,
    role: ProviderRole = ProviderRole.provider_admin,
    *,
    email: str | None = None,
) -> tuple[str, str]:
    """Invite someone through the service (committed); returns (email, invitation path)."""
    address = email or f"person{next(_counter)}@provider.example"
    invitation = provider_users_service.invite(
        db,
        provider_id=provider.id,
        email=address,
        name=f"Persona {address.split('@')[0]}",
        role=role,
        language=Language.es,
        actor=STAFF,
        now=utcnow(),
    )
    db.commit()
    return address, urlsplit(invitation_url("http://testserver", invitation.token)).path


def ready_user(
    db: Session, provider: TrainingProvider, role: ProviderRole = ProviderRole.provider_admin
) -> str:
    """A provider user who has set their password (through the service, committed), for
    tests that sign in elsewhere (a browser); returns their email address."""
    email, path = invite(db, provider, role)
    token = path.rsplit("/", 1)[1]
    provider_users_service.accept_invitation(db, token=token, password=PASSWORD, now=utcnow())
    db.commit()
    return email


def accept(client: TestClient, path: str, password: str = PASSWORD) -> httpx2.Response:
    """Choose a password through the invitation form (the answer is not followed)."""
    form = page(client.get(path))
    return client.post(
        path,
        data={"password": password, "confirmation": password, "csrf_token": csrf_token(form)},
        follow_redirects=False,
    )


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> httpx2.Response:
    """Sign in through the portal form, as a browser would (the answer is not followed)."""
    form = page(client.get(LOGIN))
    return client.post(
        LOGIN,
        data={"email": email, "password": password, "csrf_token": csrf_token(form)},
        follow_redirects=False,
    )


def account(
    client: TestClient,
    db: Session,
    provider: TrainingProvider,
    role: ProviderRole = ProviderRole.provider_admin,
) -> PortalAccount:
    """A provider user of `provider` who has set their password (not signed in)."""
    email, path = invite(db, provider, role)
    assert accept(client, path).status_code == 303
    client.cookies.clear()
    user = provider_users_service.authenticate(db, email=email, password=PASSWORD)
    return PortalAccount(email=email, provider_id=provider.id, user_id=user.id)


def signed_in(
    client: TestClient,
    db: Session,
    provider: TrainingProvider,
    role: ProviderRole = ProviderRole.provider_admin,
) -> PortalAccount:
    """A provider user of `provider`, signed in on `client`."""
    person = account(client, db, provider, role)
    response = sign_in(client, person.email)
    assert response.status_code == 303, response.text
    return person


def session_csrf(client: TestClient, path: str = PORTAL) -> str:
    """The CSRF token of the signed-in session's forms (from any portal page with a form)."""
    return csrf_token(page(client.get(path)))

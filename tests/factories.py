"""Plain factory functions for test data, built through the services the API uses."""

from __future__ import annotations

import itertools
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.roles import Role
from app.auth.tokens import issue_access_token
from app.config import Settings
from app.db import utcnow
from app.keys import service as keys_service
from app.providers import service as providers_service
from app.providers.models import TrainingProvider
from app.users import service as users_service

PASSWORD = "a-long-test-password"
_counter = itertools.count(1)


def create_staff_user(db: Session, role: Role, username: str | None = None) -> str:
    """A committed staff user with `PASSWORD`; returns the username."""
    username = username or f"{role.value}-{next(_counter)}"
    users_service.create_user(db, username=username, password=PASSWORD, role=role)
    db.commit()
    return username


def password_token(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """An access token from the password grant."""
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def earlier_staff_token(
    db: Session, settings: Settings, role: Role, *, seconds_ago: int = 10
) -> tuple[str, str]:
    """A staff user created `seconds_ago`, and a token it was issued then: (username, token).

    Tokens only count whole seconds, so tests of "a change ends the tokens issued before
    it" need a token from an earlier second than the change, without sleeping.
    """
    then = utcnow() - timedelta(seconds=seconds_ago)
    username = f"{role.value}-{next(_counter)}"
    users_service.create_user(db, username=username, password=PASSWORD, role=role, now=then)
    db.commit()
    principal = auth_service.authenticate_password(db, username=username, password=PASSWORD)
    issued = issue_access_token(
        principal,
        secret=settings.token_secret.get_secret_value(),
        issuer=settings.public_base_url,
        now=then,
        ttl_seconds=settings.access_token_ttl_seconds,
    )
    return username, issued.access_token


def staff_headers(client: TestClient, db: Session, role: Role) -> dict[str, str]:
    """Authorization headers of a new staff user with `role`."""
    token = password_token(client, create_staff_user(db, role))
    return {"Authorization": f"Bearer {token}"}


def create_provider(
    db: Session,
    *,
    country: str = "MX",
    accreditation_status: str = "accredited",
    region: str | None = None,
) -> TrainingProvider:
    """A committed training provider (in Puebla or Alberta unless `region` says)."""
    n = next(_counter)
    provider = TrainingProvider(
        name=f"Instituto Técnico {n}",
        country=country,
        region=region or ("Puebla" if country == "MX" else "Alberta"),
        identifier=f"ID-{n:05d}",
        contact_name="Ana Pérez",
        contact_email=f"contact{n}@provider.example",
        accreditation_status=accreditation_status,
    )
    db.add(provider)
    db.commit()
    return provider


def client_credentials(db: Session, provider: TrainingProvider) -> tuple[str, str]:
    """A committed API client of `provider`: (client_id, client_secret)."""
    api_client, secret = providers_service.create_api_client(db, provider=provider, name="LMS")
    db.commit()
    return api_client.client_id, secret


def provider_headers(client: TestClient, db: Session, provider: TrainingProvider) -> dict[str, str]:
    """Authorization headers of a new API client of `provider`."""
    client_id, secret = client_credentials(db, provider)
    response = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
        },
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def earlier_client_token(
    db: Session, settings: Settings, provider: TrainingProvider, *, seconds_ago: int = 10
) -> tuple[str, str]:
    """An API client of `provider` created `seconds_ago`, and a token it got then:
    (client_id, token). Like `earlier_staff_token`, for the client credentials grant."""
    then = utcnow() - timedelta(seconds=seconds_ago)
    api_client, secret = providers_service.create_api_client(
        db, provider=provider, name="LMS", now=then
    )
    db.commit()
    principal = auth_service.authenticate_client(
        db, client_id=api_client.client_id, client_secret=secret
    )
    issued = issue_access_token(
        principal,
        secret=settings.token_secret.get_secret_value(),
        issuer=settings.public_base_url,
        now=then,
        ttl_seconds=settings.access_token_ttl_seconds,
    )
    return api_client.client_id, issued.access_token


def ensure_signing_key(app: FastAPI, db: Session) -> str:
    """A committed active signing key in the app's key store; returns its key id."""
    key, _ = keys_service.ensure_key(db, store=app.state.key_store, now=utcnow())
    db.commit()
    return key.kid

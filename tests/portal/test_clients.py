"""A provider's administrators manage its API clients in the portal: a client made there
gets tokens and issues, a replaced secret stops working, a revoked client gets no token;
each change is audited with the provider user as actor. Provider staff get no forms, and
another provider's client is not found."""

from __future__ import annotations

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.provider_users.models import ProviderRole
from app.providers.models import ApiClient, TrainingProvider
from tests.conftest import ENGINES
from tests.console.helpers import Element, page
from tests.credentials.factories import issue_body, issuing_setup
from tests.factories import client_credentials, create_provider
from tests.portal.helpers import PORTAL, session_csrf, signed_in

CLIENTS = f"{PORTAL}/clients"


def token_answer(client: TestClient, client_id: str, secret: str) -> httpx2.Response:
    """The token endpoint's answer to the client credentials grant."""
    return client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


def shown_secret(document: Element) -> tuple[str, str]:
    """The client id and secret shown once on the answer to a form."""
    return (
        document.find("code", id="shown-client-id").text,
        document.find("code", id="shown-secret").text,
    )


@pytest.mark.parametrize("migrated_database", ENGINES, indirect=True)
def test_an_admin_makes_rotates_and_revokes_a_client_that_really_works(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    browser = TestClient(app)
    me = signed_in(browser, db, provider)
    listing = page(browser.get(CLIENTS))
    assert "API clients" in [link.text for link in listing.find("nav").find_all("a")]
    token = session_csrf(browser, CLIENTS)

    made = page(browser.post(CLIENTS, data={"csrf_token": token, "name": "Student records"}))
    client_id, secret = shown_secret(made)
    assert f"The API client {client_id} has been made." in made.text
    assert "Student records" in made.find("table", id="clients").text
    assert secret not in page(browser.get(CLIENTS)).text  # shown once only
    access = token_answer(client, client_id, secret)
    assert access.status_code == 200, access.text
    issued = client.post(
        "/api/v1/credentials",
        headers={"Authorization": f"Bearer {access.json()['access_token']}"},
        json=issue_body(setup.curriculum_id),
    )
    assert issued.status_code == 201, issued.text

    rotated = page(browser.post(f"{CLIENTS}/{client_id}/rotate", data={"csrf_token": token}))
    same_id, new_secret = shown_secret(rotated)
    assert same_id == client_id and new_secret != secret
    assert token_answer(client, client_id, secret).status_code == 401
    assert token_answer(client, client_id, new_secret).status_code == 200

    unconfirmed = browser.post(f"{CLIENTS}/{client_id}/revoke", data={"csrf_token": token})
    assert "Tick the box to confirm." in page(unconfirmed, 400).text
    assert token_answer(client, client_id, new_secret).status_code == 200
    revoked = browser.post(
        f"{CLIENTS}/{client_id}/revoke",
        data={"csrf_token": token, "confirm": "yes"},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    after = page(browser.get(revoked.headers["location"]))
    assert "The API client has been revoked" in after.text
    assert not after.find_all("button", id=f"rotate-{client_id}")
    assert token_answer(client, client_id, new_secret).status_code == 401

    actions = {
        event.action: event.actor
        for event in audit_service.list_events(db, target_id=client_id).items
        if event.action.startswith("api-client.")
    }
    actor = f"provider_user:{me.user_id}"
    assert actions == {
        "api-client.create": actor,
        "api-client.rotate-secret": actor,
        "api-client.revoke": actor,
    }
    browser.close()


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_a_client_name_is_checked_with_the_apis_schema_in_the_users_language(
    client: TestClient, db: Session
) -> None:
    provider = create_provider(db)
    signed_in(client, db, provider)
    token = session_csrf(client, CLIENTS)
    for language, words in (
        ("en", "Give a name of 2 to 200 characters."),
        ("es", "Indique un nombre de 2 a 200 caracteres."),
        ("fr", "Indiquez un nom de 2 à 200 caractères."),
    ):
        refused = client.post(
            CLIENTS, params={"lang": language}, data={"csrf_token": token, "name": " x "}
        )
        document = page(refused, 400)
        assert words in document.text
        assert document.find("input", id="client-name").attrs["aria-invalid"] == "true"
    db.expire_all()
    assert db.query(ApiClient).filter_by(provider_id=provider.id).count() == 0


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_another_providers_client_is_not_found(client: TestClient, db: Session) -> None:
    mine, theirs = create_provider(db), create_provider(db)
    their_client, their_secret = client_credentials(db, theirs)
    signed_in(client, db, mine)
    token = session_csrf(client, CLIENTS)
    assert their_client not in page(client.get(CLIENTS)).text
    for action, extra in (("rotate", {}), ("revoke", {}), ("revoke", {"confirm": "yes"})):
        refused = client.post(
            f"{CLIENTS}/{their_client}/{action}", data={"csrf_token": token, **extra}
        )
        document = page(refused, 404)
        assert their_client not in document.text
    assert page(client.post(f"{CLIENTS}/nassc_unknown/rotate", data={"csrf_token": token}), 404)
    assert token_answer(client, their_client, their_secret).status_code == 200


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_provider_staff_do_not_manage_clients(client: TestClient, db: Session) -> None:
    provider = create_provider(db)
    client_id, secret = client_credentials(db, provider)
    signed_in(client, db, provider, ProviderRole.provider_staff)
    dashboard = page(client.get(PORTAL))
    assert "API clients" not in [link.text for link in dashboard.find("nav").find_all("a")]
    assert "Only your provider's administrators" in page(client.get(CLIENTS), 403).text
    token = session_csrf(client)
    for path, data in (
        (CLIENTS, {"name": "Mine now"}),
        (f"{CLIENTS}/{client_id}/rotate", {}),
        (f"{CLIENTS}/{client_id}/revoke", {"confirm": "yes"}),
    ):
        refused = page(client.post(path, data={"csrf_token": token, **data}), 403)
        assert not refused.find_all("form", class_="console-form")
    assert token_answer(client, client_id, secret).status_code == 200
    db.expire_all()
    assert db.query(ApiClient).filter_by(provider_id=provider.id).count() == 1


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_client_forms_need_the_sessions_csrf_token(client: TestClient, db: Session) -> None:
    provider = create_provider(db)
    client_id, secret = client_credentials(db, provider)
    signed_in(client, db, provider)
    page(client.post(CLIENTS, data={"csrf_token": "forged", "name": "Forged"}), 403)
    page(client.post(f"{CLIENTS}/{client_id}/revoke", data={"confirm": "yes"}), 403)
    assert token_answer(client, client_id, secret).status_code == 200

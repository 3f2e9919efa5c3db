"""A provider user sees and acts on their own provider's data only; provider staff do not
manage users."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.provider_users.models import ProviderRole, ProviderUser
from tests.console.helpers import page
from tests.credentials.factories import issue_body, issuing_setup
from tests.factories import create_provider
from tests.portal.helpers import PORTAL, account, session_csrf, signed_in

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def test_the_users_page_lists_only_the_providers_own_users(client: TestClient, db: Session) -> None:
    mine, theirs = create_provider(db), create_provider(db)
    colleague = account(client, db, mine, ProviderRole.provider_staff)
    stranger = account(client, db, theirs, ProviderRole.provider_admin)
    me = signed_in(client, db, mine)
    listed = page(client.get(f"{PORTAL}/users")).text
    assert me.email in listed and colleague.email in listed
    assert stranger.email not in listed


def test_an_admin_cannot_disable_another_providers_user(client: TestClient, db: Session) -> None:
    mine, theirs = create_provider(db), create_provider(db)
    stranger = account(client, db, theirs)
    signed_in(client, db, mine)
    token = session_csrf(client, f"{PORTAL}/users")
    for action in ("disable", "enable"):
        refused = client.post(
            f"{PORTAL}/users/{stranger.user_id}/{action}", data={"csrf_token": token}
        )
        page(refused, 404)
    db.expire_all()
    assert db.get(ProviderUser, stranger.user_id).is_active  # type: ignore[union-attr]


def test_an_admin_disables_and_enables_a_colleague(client: TestClient, db: Session) -> None:
    mine = create_provider(db)
    colleague = account(client, db, mine, ProviderRole.provider_staff)
    signed_in(client, db, mine)
    token = session_csrf(client, f"{PORTAL}/users")
    done = client.post(f"{PORTAL}/users/{colleague.user_id}/disable", data={"csrf_token": token})
    assert "The user is disabled and signed out." in page(done).text
    db.expire_all()
    assert not db.get(ProviderUser, colleague.user_id).is_active  # type: ignore[union-attr]
    client.post(f"{PORTAL}/users/{colleague.user_id}/enable", data={"csrf_token": token})
    db.expire_all()
    assert db.get(ProviderUser, colleague.user_id).is_active  # type: ignore[union-attr]


def test_an_admin_invites_a_colleague_into_their_own_provider(
    client: TestClient, db: Session
) -> None:
    mine = create_provider(db)
    signed_in(client, db, mine)
    users_page = page(client.get(f"{PORTAL}/users"))
    assert "This service sends no mail" in users_page.text
    token = session_csrf(client, f"{PORTAL}/users")
    answer = page(
        client.post(
            f"{PORTAL}/users?lang=es",
            data={
                "csrf_token": token,
                "email": "Nuevo@Provider.example",
                "name": "Nuevo Colega",
                "role": "provider_staff",
                "language": "fr",
            },
        )
    )
    assert (
        answer.find("a", id="invitation-link")
        .attrs["href"]
        .startswith(  # type: ignore[union-attr]
            "http://testserver/portal/invitations/"
        )
    )
    invited = db.scalars(
        select(ProviderUser).where(ProviderUser.email == "nuevo@provider.example")
    ).one()
    assert (invited.provider_id, invited.role, invited.language) == (
        mine.id,
        "provider_staff",
        "fr",
    )
    bad = page(
        client.post(
            f"{PORTAL}/users?lang=es",
            data={"csrf_token": token, "email": "not-an-email", "name": ""},
        ),
        400,
    )
    summary = bad.find("div", class_="console-error-summary").text
    assert "Escriba un correo electrónico como nombre@ejemplo.org." in summary
    assert "Escriba el nombre de la persona." in summary


def test_provider_staff_do_not_manage_users(client: TestClient, db: Session) -> None:
    mine = create_provider(db)
    admin = account(client, db, mine)
    signed_in(client, db, mine, ProviderRole.provider_staff)
    document = page(client.get(f"{PORTAL}/users"), 403)
    assert "Only your provider's administrators can do this." in document.text
    token = session_csrf(client)
    page(client.post(f"{PORTAL}/users/{admin.user_id}/disable", data={"csrf_token": token}), 403)
    page(
        client.post(
            f"{PORTAL}/users",
            data={"csrf_token": token, "email": "x@provider.example", "name": "X"},
        ),
        403,
    )


def test_the_dashboard_counts_only_the_providers_own_credentials(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    for n in range(2):
        issued = client.post(
            "/api/v1/credentials",
            headers={**setup.provider, "Idempotency-Key": f"portal-{n}"},
            json=issue_body(setup.curriculum_id),
        )
        assert issued.status_code == 201, issued.text
    issuer = db.get(type(create_provider(db)), setup.provider_id)
    assert issuer is not None
    signed_in(client, db, issuer)
    rows = {
        row.find("th").text: row.find("td").text
        for row in page(client.get(PORTAL)).find("table").find_all("tr")[1:]
    }
    assert rows["Active"] == "2"
    client.cookies.clear()
    signed_in(client, db, create_provider(db))
    other = {
        row.find("th").text: row.find("td").text
        for row in page(client.get(PORTAL)).find("table").find_all("tr")[1:]
    }
    assert other["Active"] == "0"

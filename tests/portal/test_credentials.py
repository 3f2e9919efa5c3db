"""The provider's credentials in the portal: the search (holder names in any case and with
or without accents, standard, standing), one credential's page, a new claim link for the
worker (the old one stops working), a request that the Division revoke it (seen and acted on
in the console), and another provider's credentials never found."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Role
from app.providers.models import TrainingProvider
from app.status import revocation_requests
from tests.conftest import ENGINES
from tests.console import helpers as console
from tests.console.helpers import page
from tests.credentials.factories import IssuingSetup, issue_body, issuing_setup
from tests.factories import create_provider
from tests.portal.helpers import PORTAL, session_csrf, signed_in

HOLDERS = ("José Hernández Núñez", "Émilie Tremblay", "Ana María Ruiz")


def issue_three(client: TestClient, app: FastAPI, db: Session) -> tuple[IssuingSetup, list[str]]:
    """Three credentials of one provider, through the API; their ids in `HOLDERS` order."""
    setup = issuing_setup(client, app, db)
    ids = []
    for n, name in enumerate(HOLDERS):
        issued = client.post(
            "/api/v1/credentials",
            headers={**setup.provider, "Idempotency-Key": f"portal-credential-{n}"},
            json=issue_body(setup.curriculum_id, name=name),
        )
        assert issued.status_code == 201, issued.text
        ids.append(str(issued.json()["id"]).removeprefix("urn:uuid:"))
    return setup, ids


def provider_of(db: Session, setup: IssuingSetup) -> TrainingProvider:
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    return provider


def listed_holders(client: TestClient, **params: str) -> list[str]:
    document = page(client.get(f"{PORTAL}/credentials", params=params))
    tables = document.find_all("table", id="credentials")
    if not tables:
        assert "No credential matches these filters." in document.text
        return []
    return [row.find("th").text.strip() for row in tables[0].find("tbody").find_all("tr")]


@pytest.mark.parametrize("migrated_database", ENGINES, indirect=True)
def test_search_reads_names_in_any_case_and_accents(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, _ = issue_three(client, app, db)
    signed_in(client, db, provider_of(db, setup))
    assert sorted(listed_holders(client)) == sorted(HOLDERS)
    assert listed_holders(client, holder="jose HERNANDEZ") == ["José Hernández Núñez"]
    assert listed_holders(client, holder="emilie") == ["Émilie Tremblay"]
    assert len(listed_holders(client, status="active")) == 3
    assert listed_holders(client, status="revoked") == []
    asked = page(client.get(f"{PORTAL}/credentials", params={"status": "revoked", "holder": "Ana"}))
    chosen = [
        o for o in asked.find("select", id="status").find_all("option") if "selected" in o.attrs
    ]
    assert [option.attrs["value"] for option in chosen] == ["revoked"], "the search asked for"
    assert asked.find("input", id="holder").attrs["value"] == "Ana"
    assert len(listed_holders(client, standard_code=setup.standard.code.lower())) == 3
    assert listed_holders(client, standard_code="NO-SUCH-STANDARD") == []
    for language, claim in (("en", "Not claimed yet"), ("es", "Aún no obtenida")):
        document = page(client.get(f"{PORTAL}/credentials", params={"lang": language}))
        cells = document.find("table", id="credentials").find("tbody").find("tr").find_all("td")
        assert cells[-1].text.strip() == claim, cells
    # Another provider's user finds none of them.
    client.cookies.clear()
    signed_in(client, db, create_provider(db))
    assert listed_holders(client) == []


@pytest.mark.parametrize("migrated_database", ENGINES, indirect=True)
def test_a_new_claim_link_replaces_the_old_one(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, ids = issue_three(client, app, db)
    me = signed_in(client, db, provider_of(db, setup))
    path = f"{PORTAL}/credentials/{ids[0]}"
    links = []
    for language in ("en", "es", "fr"):
        document = page(client.get(path, params={"lang": language}))
        assert document.find("dd", id="holder").text == HOLDERS[0]
        assert document.find("a", id="verify-link").attrs["href"] == (
            f"/verify/{ids[0]}?lang={language}"
        )
        form = document.find("form", id="claim-link-form")
        answer = client.post(
            str(form.attrs["action"]), data={"csrf_token": session_csrf(client, path)}
        )
        renewed = page(answer)
        links.append(str(renewed.find("input", id="new-claim-link").attrs["value"]))
    assert len(set(links)) == 3
    *old_links, newest = links
    for old in old_links:
        assert client.get(urlsplit(old).path).status_code == 404
    assert client.post(urlsplit(newest).path, follow_redirects=False).status_code == 303
    claimed = page(client.get(path))
    assert claimed.find("dd", id="claim-status").text.startswith("Claimed on ")
    assert not claimed.find_all("form", id="claim-link-form")
    again = client.post(f"{path}/claim-link", data={"csrf_token": session_csrf(client, path)})
    assert "already claimed this credential" in page(again, 409).text
    renewals = audit_service.list_events(
        db, action="credential.claim-link-renew", target_id=ids[0]
    ).items
    assert [event.actor for event in renewals] == [f"provider_user:{me.user_id}"] * 3


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_another_providers_credential_is_not_found(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, ids = issue_three(client, app, db)
    signed_in(client, db, create_provider(db))
    path = f"{PORTAL}/credentials/{ids[0]}"
    page(client.get(path), 404)
    token = session_csrf(client, f"{PORTAL}/credentials")
    page(client.post(f"{path}/claim-link", data={"csrf_token": token}), 404)
    asked = client.post(f"{path}/revocation-request", data={"csrf_token": token, "reason": "Wrong"})
    page(asked, 404)
    assert revocation_requests.open_requests(db) == []


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_forms_without_the_session_token_are_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, ids = issue_three(client, app, db)
    signed_in(client, db, provider_of(db, setup))
    path = f"{PORTAL}/credentials/{ids[0]}"
    for data in ({}, {"csrf_token": "forged"}):
        page(client.post(f"{path}/claim-link", data=data), 403)
        page(client.post(f"{path}/revocation-request", data={**data, "reason": "Wrong"}), 403)
    assert revocation_requests.open_requests(db) == []
    assert page(client.get(path)).find("form", id="claim-link-form")


@pytest.mark.parametrize("migrated_database", ENGINES, indirect=True)
def test_a_revocation_request_reaches_the_console_and_staff_revoke(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, ids = issue_three(client, app, db)
    me = signed_in(client, db, provider_of(db, setup))
    path = f"{PORTAL}/credentials/{ids[1]}"
    token = session_csrf(client, path)
    empty = page(client.post(f"{path}/revocation-request?lang=es", data={"csrf_token": token}), 400)
    assert (
        "Indique por qué NASSC debe revocar esta credencial"
        in empty.find("div", class_="console-error-summary").text
    )
    reason = "Emitida por error: la persona no terminó la práctica."
    sent = client.post(
        f"{path}/revocation-request?lang=fr",
        data={"csrf_token": token, "reason": reason},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    shown = page(client.get(sent.headers["location"]))
    assert "Votre demande a été envoyée." in shown.text
    assert shown.find("section", id="revocation-request").find("blockquote").text == reason
    assert not shown.find_all("form", id="revocation-request-form")
    again = client.post(f"{path}/revocation-request", data={"csrf_token": token, "reason": "Again"})
    assert "a request to revoke it is waiting" in page(again, 409).text
    [event] = audit_service.list_events(
        db, action="credential.revocation-request", target_id=ids[1]
    ).items
    assert event.actor == f"provider_user:{me.user_id}"

    staff = TestClient(app)
    console.signed_in(staff, db, Role.registrar)
    listing = page(staff.get("/console/revocation-requests", params={"lang": "es"}))
    [row] = listing.find("table", id="revocation-requests").find("tbody").find_all("tr")
    assert row.find("td", class_="reason").text == reason
    assert HOLDERS[1] in row.text
    credential_page = str(row.find("a").attrs["href"])
    revoked = staff.post(
        credential_page,
        data={
            "csrf_token": console.session_csrf(staff, credential_page),
            "action": "revoke",
            "reason": "Requested by the provider",
            "confirm": "yes",
        },
        follow_redirects=False,
    )
    assert revoked.status_code == 303, revoked.text
    emptied = page(staff.get("/console/revocation-requests"))
    assert "No request is waiting." in emptied.text
    staff.close()
    after = page(client.get(path))
    assert after.find("dd", id="credential-status").text.strip() == "Revoked"
    assert not after.find_all("form", id="revocation-request-form")
    assert not after.find_all("form", id="claim-link-form")

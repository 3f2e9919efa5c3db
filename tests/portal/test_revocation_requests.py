"""What becomes of a provider's request to revoke a credential: staff who may revoke decline
it with a reason (audited), the provider reads the decline on the credential's page and may
ask again; revoking the credential, by any path, closes the request as done."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Role
from app.providers.models import TrainingProvider
from app.status.models import RevocationRequest
from tests.conftest import ENGINES
from tests.console import helpers as console
from tests.console.helpers import Element, page
from tests.credentials.factories import IssuingSetup, issue_body, issuing_setup
from tests.portal.helpers import PORTAL, PortalAccount, session_csrf, signed_in

REQUESTS = "/console/revocation-requests"


@dataclass(frozen=True)
class Requested:
    """An issued credential whose provider's admin (signed in on the test's client) asked
    NASSC to revoke it through the portal."""

    setup: IssuingSetup
    credential_id: str
    path: str
    """The credential's portal page."""
    me: PortalAccount


def ask(client: TestClient, path: str, reason: str) -> None:
    """File a revocation request through the credential's portal form."""
    sent = client.post(
        f"{path}/revocation-request",
        data={"csrf_token": session_csrf(client, path), "reason": reason},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text


def requested(client: TestClient, app: FastAPI, db: Session) -> Requested:
    setup = issuing_setup(client, app, db)
    issued = client.post(
        "/api/v1/credentials", headers=setup.provider, json=issue_body(setup.curriculum_id)
    )
    assert issued.status_code == 201, issued.text
    credential_id = str(issued.json()["id"]).removeprefix("urn:uuid:")
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    me = signed_in(client, db, provider)
    path = f"{PORTAL}/credentials/{credential_id}"
    ask(client, path, "Issued to the wrong worker.")
    return Requested(setup=setup, credential_id=credential_id, path=path, me=me)


def waiting_rows(document: Element) -> list[Element]:
    tables = document.find_all("table", id="revocation-requests")
    return tables[0].find("tbody").find_all("tr") if tables else []


def request_ids(db: Session, credential_id: str) -> list[int]:
    return list(
        db.scalars(
            select(RevocationRequest.id)
            .where(RevocationRequest.credential_id == credential_id)
            .order_by(RevocationRequest.id)
        )
    )


@pytest.mark.parametrize("migrated_database", ENGINES, indirect=True)
def test_staff_decline_with_a_reason_and_the_provider_asks_again(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    asked = requested(client, app, db)
    [first] = request_ids(db, asked.credential_id)
    staff = TestClient(app)
    username = console.signed_in(staff, db, Role.registrar)
    token = console.session_csrf(staff, REQUESTS)
    decline = f"{REQUESTS}/{first}/decline"
    for language, words in (
        ("en", "Say why you decline the request"),
        ("es", "Indique por qué rechaza la solicitud"),
        ("fr", "Indiquez pourquoi vous refusez la demande"),
    ):
        refused = staff.post(decline, params={"lang": language}, data={"csrf_token": token})
        assert words in page(refused, 400).find("div", class_="console-error-summary").text
    because = "The worker passed: the assessor's record shows it."
    done = staff.post(
        decline, data={"csrf_token": token, "reason": because}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    listing = page(staff.get(done.headers["location"]))
    assert "The request has been declined." in listing.text
    assert waiting_rows(listing) == []
    [row] = listing.find("table", id="declined-requests").find("tbody").find_all("tr")
    assert row.find("td", class_="decision-reason").text == because
    assert row.find("td", class_="decided-by").text == username
    [event] = audit_service.list_events(
        db, action="credential.revocation-request-decline", target_id=asked.credential_id
    ).items
    assert event.actor.startswith("user:")
    assert event.summary["after"] == {"reason": because, "request_id": first}
    again = staff.post(decline, data={"csrf_token": token, "reason": because})
    assert "has been decided already" in page(again, 409).text

    shown = page(client.get(asked.path, params={"lang": "es"}))
    declined = shown.find("section", id="revocation-declined")
    assert declined.find("blockquote", id="decline-reason").text == because
    assert f"{username}, de NASSC, rechazó la solicitud" in declined.text
    assert shown.find_all("form", id="revocation-request-form")
    ask(client, asked.path, "The assessor's record was forged.")
    assert len(request_ids(db, asked.credential_id)) == 2
    [waiting] = waiting_rows(page(staff.get(REQUESTS)))
    assert waiting.find("td", class_="reason").text == "The assessor's record was forged."
    staff.close()


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_revoking_through_the_api_closes_the_request_as_done(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    asked = requested(client, app, db)
    [request_id] = request_ids(db, asked.credential_id)
    revoked = client.post(
        f"/api/v1/admin/credentials/{asked.credential_id}/revoke",
        headers=asked.setup.staff,
        json={"reason": "Asked by the provider"},
    )
    assert revoked.status_code == 200, revoked.text
    db.expire_all()
    closed = db.get(RevocationRequest, request_id)
    assert closed is not None
    assert (closed.outcome, closed.decision_reason) == ("revoked", None)
    assert closed.decided_at is not None and closed.decided_by is not None
    assert closed.decided_by.startswith("user:")
    staff = TestClient(app)
    console.signed_in(staff, db, Role.admin)
    listing = page(staff.get(REQUESTS))
    assert "No request is waiting." in listing.text
    refused = staff.post(
        f"{REQUESTS}/{request_id}/decline",
        data={"csrf_token": console.session_csrf(staff, REQUESTS), "reason": "Too late"},
    )
    assert "has been decided already" in page(refused, 409).text
    assert page(
        staff.post(
            f"{REQUESTS}/999999/decline",
            data={"csrf_token": console.session_csrf(staff, REQUESTS), "reason": "No such request"},
        ),
        404,
    )
    staff.close()
    shown = page(client.get(asked.path))
    assert not shown.find_all("form", id="revocation-request-form")
    assert not shown.find_all("section", id="revocation-declined")


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_auditors_see_requests_but_cannot_decline(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    asked = requested(client, app, db)
    [request_id] = request_ids(db, asked.credential_id)
    staff = TestClient(app)
    console.signed_in(staff, db, Role.auditor)
    listing = page(staff.get(REQUESTS))
    [row] = waiting_rows(listing)
    assert not row.find_all("form")
    refused = staff.post(
        f"{REQUESTS}/{request_id}/decline",
        data={"csrf_token": console.session_csrf(staff, REQUESTS), "reason": "Not mine to say"},
    )
    page(refused, 403)
    staff.close()
    db.expire_all()
    still = db.get(RevocationRequest, request_id)
    assert still is not None and still.outcome is None

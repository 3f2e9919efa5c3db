"""Credential search and status changes: revoke, suspend, reinstate, and who may."""

from __future__ import annotations

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.credentials.models import Credential
from app.providers.models import TrainingProvider
from app.status.builder import list_url
from tests.audit.helpers import events, user_id
from tests.console.helpers import (
    CONSOLE,
    issue,
    page,
    revocation_bits,
    session_csrf,
    setup_with_credential,
    signed_in,
)
from tests.credentials.factories import IssuingSetup

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

CREDENTIALS = f"{CONSOLE}/credentials"


@pytest.fixture
def issued(client: TestClient, app: FastAPI, db: Session) -> tuple[IssuingSetup, str]:
    return setup_with_credential(client, app, db)


def stored(db: Session, credential_id: str) -> Credential:
    db.expire_all()
    credential = db.get(Credential, credential_id)
    assert credential is not None
    return credential


def post(client: TestClient, credential_id: str, **data: str) -> httpx2.Response:
    token = session_csrf(client, f"{CREDENTIALS}/{credential_id}")
    return client.post(
        f"{CREDENTIALS}/{credential_id}", data={"csrf_token": token, **data}, follow_redirects=False
    )


def test_search_filters_and_links_to_each_credential(
    client: TestClient, db: Session, issued: tuple[IssuingSetup, str]
) -> None:
    setup, credential_id = issued
    second = issue(client, setup, name="Jean Tremblay")
    signed_in(client, db, Role.auditor)
    everything = page(client.get(CREDENTIALS))
    rows = everything.find("table").find("tbody").find_all("tr")
    assert {row.find("a").attrs["href"] for row in rows} == {
        f"/console/credentials/{credential_id}?lang=en",
        f"/console/credentials/{second}?lang=en",
    }
    assert everything.find("h2", id="credential-results-heading").text == "2 credentials found"
    code = setup.standard.code
    today = stored(db, credential_id).issued_at.date().isoformat()
    for query, expected in [
        ({"standard_code": code.lower()}, 2),
        ({"standard_code": "NASSC-NOPE"}, 0),
        ({"status": "active", "provider_id": str(setup.provider_id)}, 2),
        ({"provider_id": str(setup.provider_id + 1000)}, 0),
        ({"issued_from": today, "issued_to": today}, 2),
        ({"issued_from": "2001-01-01", "issued_to": "2001-12-31"}, 0),
    ]:
        found = page(client.get(CREDENTIALS, params=query))
        assert len(found.find_all("tr")) == (expected + 1 if expected else 0), query


def test_holder_name_filter(
    client: TestClient, db: Session, issued: tuple[IssuingSetup, str]
) -> None:
    setup, credential_id = issued
    issue(client, setup, name="Jean Tremblay")
    signed_in(client, db, Role.auditor)

    found = page(client.get(CREDENTIALS, params={"holder": "lópez"}))

    rows = found.find("table").find("tbody").find_all("tr")
    assert [row.find("a").attrs["href"] for row in rows] == [
        f"/console/credentials/{credential_id}?lang=en"
    ]
    assert found.find("input", id="holder").attrs["value"] == "lópez"
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    assert rows[0].find_all("td")[2].text == provider.name


@pytest.mark.parametrize(
    "typed",
    [
        "{id}",
        "urn:uuid:{id}",
        "  URN:UUID:{upper}  ",
        "http://testserver/verify/{id}?lang=fr",
    ],
)
def test_a_credential_id_opens_that_credential(
    client: TestClient, db: Session, issued: tuple[IssuingSetup, str], typed: str
) -> None:
    _, credential_id = issued
    signed_in(client, db, Role.auditor)

    response = client.get(
        CREDENTIALS,
        params={"credential_id": typed.format(id=credential_id, upper=credential_id.upper())},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/console/credentials/{credential_id}?lang=en"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("not an id", "Enter a credential ID"),
        ("urn:uuid:00000000-0000-4000-8000-000000000000", "No credential has this ID."),
    ],
)
def test_a_wrong_credential_id_is_named(
    client: TestClient,
    db: Session,
    issued: tuple[IssuingSetup, str],
    typed: str,
    message: str,
) -> None:
    signed_in(client, db, Role.auditor)

    document = page(client.get(CREDENTIALS, params={"credential_id": typed}))

    summary = document.find("div", class_="console-error-summary")
    assert [link.attrs["href"] for link in summary.find_all("a")] == ["#credential_id"]
    assert message in document.find("p", id="credential_id-error").text
    field = document.find("input", id="credential_id")
    assert field.attrs["value"] == typed
    assert field.attrs["aria-invalid"] == "true"


def test_malformed_filters_are_named_not_applied(
    client: TestClient, db: Session, issued: tuple[IssuingSetup, str]
) -> None:
    signed_in(client, db, Role.registrar)
    document = page(
        client.get(
            CREDENTIALS,
            params={"provider_id": "abc", "issued_from": "2026-13-40", "page": "-3"},
        )
    )
    links = document.find("div", class_="console-error-summary").find_all("a")
    assert {link.attrs["href"] for link in links} == {"#provider_id", "#issued_from"}
    assert document.find("input", id="provider_id").attrs["value"] == "abc"
    assert len(document.find("table").find("tbody").find_all("tr")) == 1
    reversed_period = page(
        client.get(CREDENTIALS, params={"issued_from": "2026-02-01", "issued_to": "2026-01-01"})
    )
    assert "start date must not be after" in reversed_period.text


def test_revoking_needs_a_reason(
    client: TestClient, db: Session, issued: tuple[IssuingSetup, str]
) -> None:
    _, credential_id = issued
    signed_in(client, db, Role.registrar)
    response = post(client, credential_id, action="revoke", reason="   ")
    document = page(response, 400)
    assert document.find("div", class_="console-error-summary").find("a").attrs["href"] == (
        "#revoke-reason"
    )
    assert document.find("input", id="revoke-reason").attrs["aria-invalid"] == "true"
    assert stored(db, credential_id).status == "active"


def test_revoking_sets_the_bit_in_the_public_status_list(
    client: TestClient, db: Session, issued: tuple[IssuingSetup, str]
) -> None:
    _, credential_id = issued
    credential = stored(db, credential_id)
    url = list_url("http://testserver", credential.revocation_list_id)
    assert credential.revocation_index not in revocation_bits(client, url)
    username = signed_in(client, db, Role.registrar)
    response = post(
        client, credential_id, action="revoke", reason="Fraudulent assessment", confirm="yes"
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == f"/console/credentials/{credential_id}?lang=en&done=revoked"
    document = page(client.get(location))
    assert "has been revoked" in document.find("div", class_="console-notice").text
    assert document.find("dd", id="credential-status").text == "Revoked"
    assert "Fraudulent assessment" in document.text
    assert document.find_all("form", class_="console-form") == []
    assert "Revocation is permanent" in document.text
    revoked = stored(db, credential_id)
    assert (revoked.status, revoked.status_reason) == ("revoked", "Fraudulent assessment")
    assert credential.revocation_index in revocation_bits(client, url)
    [event] = events(db, action="credential.revoke")
    assert (event.actor, event.actor_role) == (f"user:{user_id(db, username)}", "registrar")
    assert event.target_id == credential_id
    # Revoking again is refused with an explanation, not an error document.
    again = client.post(
        f"{CREDENTIALS}/{credential_id}",
        data={
            "csrf_token": session_csrf(client),
            "action": "revoke",
            "reason": "Twice",
            "confirm": "yes",
        },
    )
    assert "already revoked" in page(again, 409).find("div", class_="console-problem").text


def test_suspending_and_reinstating(
    client: TestClient, db: Session, issued: tuple[IssuingSetup, str]
) -> None:
    _, credential_id = issued
    signed_in(client, db, Role.admin)
    active = page(client.get(f"{CREDENTIALS}/{credential_id}"))
    assert [b.attrs["id"] for b in active.find_all("button") if b.attrs.get("id")] == [
        "suspend",
        "revoke",
    ]
    assert post(client, credential_id, action="suspend", reason="Under investigation")
    assert stored(db, credential_id).status == "suspended"
    suspended = page(client.get(f"{CREDENTIALS}/{credential_id}"))
    assert [b.attrs["id"] for b in suspended.find_all("button") if b.attrs.get("id")] == [
        "reinstate",
        "revoke",
    ]
    response = post(client, credential_id, action="reinstate", reason="")
    assert response.status_code == 303
    reinstated = stored(db, credential_id)
    assert (reinstated.status, reinstated.status_reason) == ("active", None)
    refused = post(client, credential_id, action="reinstate")
    assert "Only a suspended credential" in page(refused, 409).text


def test_an_auditor_cannot_change_a_status(
    client: TestClient, db: Session, issued: tuple[IssuingSetup, str]
) -> None:
    _, credential_id = issued
    signed_in(client, db, Role.auditor)
    document = page(client.get(f"{CREDENTIALS}/{credential_id}"))
    assert document.find_all("form", class_="console-form") == []
    assert "not change its status" in document.text
    response = post(client, credential_id, action="revoke", reason="Not my call")
    page(response, 403)
    assert stored(db, credential_id).status == "active"


def test_status_forms_need_the_sessions_csrf_token(
    client: TestClient, db: Session, issued: tuple[IssuingSetup, str]
) -> None:
    _, credential_id = issued
    signed_in(client, db, Role.registrar)
    missing = client.post(
        f"{CREDENTIALS}/{credential_id}", data={"action": "revoke", "reason": "x"}
    )
    page(missing, 403)
    wrong = client.post(
        f"{CREDENTIALS}/{credential_id}",
        data={"action": "revoke", "reason": "x", "csrf_token": session_csrf(client) + "x"},
    )
    page(wrong, 403)
    assert stored(db, credential_id).status == "active"


def test_an_unknown_credential_is_a_404_page(client: TestClient, db: Session) -> None:
    signed_in(client, db, Role.registrar)
    page(client.get(f"{CREDENTIALS}/00000000-0000-4000-8000-000000000000"), 404)

"""The audit log pages: who may read them, filters, and verifying the chain."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jwcrypto import jwk, jws
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.db import utcnow
from tests.audit.helpers import events
from tests.console.helpers import CONSOLE, csrf_token, page, signed_in
from tests.factories import ensure_signing_key

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

AUDIT = f"{CONSOLE}/audit"


@pytest.mark.parametrize("role", [Role.admin, Role.auditor])
def test_admins_and_auditors_read_the_log(client: TestClient, db: Session, role: Role) -> None:
    username = signed_in(client, db, role)
    document = page(client.get(AUDIT))
    rows = document.find("table").find("tbody").find_all("tr")
    actions = [row.find_all("td")[2].find("code").text for row in rows]
    assert actions == ["auth.login", "user.create"]  # newest first
    assert "user.create" in document.text and username not in actions
    nav = [a.attrs["href"] for a in document.find("nav", class_="site-nav").find_all("a")]
    assert "/console/audit?lang=en" in nav


def test_registrars_do_not_read_the_log(client: TestClient, db: Session) -> None:
    signed_in(client, db, Role.registrar)
    dashboard = page(client.get(CONSOLE))
    nav = [a.attrs["href"] for a in dashboard.find("nav", class_="site-nav").find_all("a")]
    assert "/console/audit?lang=en" not in nav
    page(client.get(AUDIT), 403)
    page(client.get(f"{AUDIT}/verify"), 403)


def test_filters_and_pagination(client: TestClient, db: Session) -> None:
    signed_in(client, db, Role.auditor)
    logins = page(client.get(AUDIT, params={"action": "auth.login"}))
    assert logins.find("h2", id="audit-results-heading").text == "1 event"
    nothing = page(client.get(AUDIT, params={"from": "2001-01-01", "to": "2001-01-31"}))
    assert nothing.find("h2", id="audit-results-heading").text == "0 events"
    bad = page(client.get(AUDIT, params={"from": "yesterday"}))
    assert bad.find("div", class_="console-error-summary").find("a").attrs["href"] == "#from"
    assert bad.find("h2", id="audit-results-heading").text == "2 events"
    for number in range(50):
        audit_service.record(
            db,
            actor=None,
            action="test.event",
            target_type="test",
            target_id=str(number),
            now=utcnow(),
        )
    db.commit()
    first = page(client.get(AUDIT))
    assert len(first.find("table").find("tbody").find_all("tr")) == 50
    assert first.find("a", rel="next").attrs["href"] == "/console/audit?page=2"


def test_verifying_an_intact_chain(client: TestClient, db: Session) -> None:
    signed_in(client, db, Role.auditor)
    result = page(client.get(f"{AUDIT}/verify"))
    assert result.find("p", id="chain-verdict").text == "The audit chain is intact."
    assert "Events checked 2" in result.text


def test_verifying_names_the_first_broken_link(client: TestClient, db: Session) -> None:
    signed_in(client, db, Role.auditor)
    first = events(db)[0]
    db.execute(update(AuditEvent).where(AuditEvent.id == first.id).values(action="user.tampered"))
    db.commit()
    result = page(client.get(f"{AUDIT}/verify?lang=fr"))
    assert result.find("p", id="chain-verdict").text == "La chaîne d'audit est rompue."
    facts = result.find("section").find("dl").text
    assert f"Numéro de l'événement {first.seq}" in facts
    assert "L'événement a été modifié après son enregistrement." in facts


def test_admins_sign_a_checkpoint_and_download_it(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    signed_in(client, db, Role.admin)
    before = page(client.get(f"{AUDIT}/verify"))
    assert "No checkpoint has been signed yet." in before.text
    before.find("button", id="sign-checkpoint")

    signed = client.post(
        f"{AUDIT}/checkpoints",
        data={"csrf_token": csrf_token(before)},
        follow_redirects=False,
    )

    assert signed.status_code == 303
    assert signed.headers["location"] == "/console/audit/verify?lang=en&done=checkpoint"
    after = page(client.get(signed.headers["location"]))
    assert "A checkpoint of the chain head has been signed." in after.text
    [row] = after.find("table", id="checkpoints").find("tbody").find_all("tr")
    [checkpoint] = events(db, action="audit.checkpoint")
    assert row.find("th").text == str(checkpoint.seq)
    download = client.get(str(row.find("a").attrs["href"]))
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/vc+jwt"
    assert "attachment" in download.headers["content-disposition"]
    # The file is the issuer's signed statement of that head: any JOSE library checks it.
    did_document = client.get("/.well-known/did.json").json()
    [method] = did_document["verificationMethod"]
    key = jwk.JWK.from_json(json.dumps(client.get("/.well-known/jwks.json").json()["keys"][0]))
    token = jws.JWS()
    token.deserialize(download.text)
    token.verify(key)
    assert token.jose_header["kid"] == method["id"]
    subject = json.loads(token.payload)["credentialSubject"]
    assert (subject["sequence"], subject["headHash"]) == (checkpoint.seq, checkpoint.hash)


def test_auditors_download_but_do_not_sign(client: TestClient, app: FastAPI, db: Session) -> None:
    ensure_signing_key(app, db)
    signed_in(client, db, Role.auditor)
    document = page(client.get(f"{AUDIT}/verify"))
    assert document.find_all("button", id="sign-checkpoint") == []

    refused = client.post(
        f"{AUDIT}/checkpoints", data={"csrf_token": csrf_token(document)}, follow_redirects=False
    )

    assert refused.status_code == 403
    assert events(db, action="audit.checkpoint") == []
    assert client.get(f"{AUDIT}/checkpoints/999.jwt").status_code == 404

"""`service.verify_sd_jwt_vc`, the entry OpenID4VP uses: key binding against what the
verifier expects (its audience and nonce, a fresh `iat`), status and validity."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.crypto.sd_jwt import KeyBindingExpectation
from app.db import utcnow
from app.verification import service
from app.verification.checks import CheckName, CheckStatus, Code, Outcome
from tests.verification.factories import VERIFY
from tests.verification.sd_jwt_factories import (
    AUDIENCE,
    NONCE,
    bound,
    checks,
    setup_of,
    verify_http,
    wallet_credential,
)

ADMIN = "/api/v1/admin/credentials"


def _verify(
    app: FastAPI,
    db: Session,
    presented: str,
    *,
    expected: KeyBindingExpectation | None,
    now: datetime | None = None,
) -> service.CredentialReport:
    return service.verify_sd_jwt_vc(
        db,
        presentation=presented,
        key_binding=expected,
        setup=setup_of(app),
        audience=service.Audience(),
        now=now or utcnow(),
    )


def _expected(**changes: object) -> KeyBindingExpectation:
    values: dict[str, object] = {"audience": AUDIENCE, "nonce": NONCE, "now": time.time()}
    values.update(changes)
    return KeyBindingExpectation(**values)  # type: ignore[arg-type]


def test_the_expected_key_binding_verifies_and_says_what_was_withheld(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    held = wallet_credential(client, app, db)
    holder, serialized = held.holder, held.serialized
    report = _verify(app, db, bound(serialized, holder, keep=("score",)), expected=_expected())
    result = report.result
    assert result.outcome is Outcome.verified, result.checks
    assert result.document is not None and "score" in result.document
    assert "name" not in result.document
    disclosure = result.selective_disclosure
    assert disclosure is not None and disclosure.key_binding is not None
    assert disclosure.key_binding["aud"] == AUDIENCE
    assert [ref.name for ref in disclosure.disclosed] == ["score"]
    withheld = {ref.name: ref for ref in disclosure.withheld}
    assert {"name", "provider", "units[]"} <= set(withheld)
    assert withheld["name"].label("fr") == "Nom"
    assert withheld["units[]"].count >= 1


@pytest.mark.parametrize(
    ("presented_for", "expected", "detail"),
    [
        ({"audience": "https://other.example"}, {}, "another audience"),
        ({"nonce": "replayed"}, {}, "nonce"),
        ({"issued_at": int(time.time()) - 3600}, {}, "too old"),
        ({}, {"now": time.time() - 3600}, "future"),
    ],
)
def test_a_key_binding_not_for_this_verifier_is_refused(
    client: TestClient,
    app: FastAPI,
    db: Session,
    presented_for: dict[str, object],
    expected: dict[str, object],
    detail: str,
) -> None:
    held = wallet_credential(client, app, db)
    holder, serialized = held.holder, held.serialized
    presented = bound(serialized, holder, **presented_for)  # type: ignore[arg-type]
    result = _verify(app, db, presented, expected=_expected(**expected)).result
    assert result.outcome is Outcome.invalid
    proof = result.check(CheckName.proof)
    assert (proof.status, proof.code) == (CheckStatus.failed, Code.key_binding_failed)
    assert detail in proof.detail


def test_a_presentation_without_the_expected_key_binding_is_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    serialized = wallet_credential(client, app, db).serialized
    result = _verify(app, db, serialized, expected=_expected()).result
    assert result.outcome is Outcome.invalid
    assert result.check(CheckName.proof).code is Code.key_binding_failed


def test_an_expired_credential_is_expired(client: TestClient, app: FastAPI, db: Session) -> None:
    held = wallet_credential(client, app, db)
    holder, serialized = held.holder, held.serialized
    later = datetime.now(UTC) + timedelta(days=365 * 30)
    presented = bound(serialized, holder, issued_at=int(later.timestamp()))
    result = _verify(
        app, db, presented, expected=_expected(now=later.timestamp()), now=later
    ).result
    assert result.outcome is Outcome.expired, result.checks
    assert result.check(CheckName.validity).code is Code.expired


@pytest.mark.parametrize(("action", "outcome"), [("suspend", "suspended"), ("revoke", "revoked")])
def test_revoking_or_suspending_shows_through_both_status_mechanisms(
    client: TestClient, app: FastAPI, db: Session, action: str, outcome: str
) -> None:
    held = wallet_credential(client, app, db)
    credential, holder, serialized = held.credential, held.holder, held.serialized
    staff = held.setup.staff
    changed = client.post(f"{ADMIN}/{credential.id}/{action}", headers=staff, json={"reason": "x"})
    assert changed.status_code == 200, changed.text
    sd_jwt_body = verify_http(client, bound(serialized, holder))
    assert sd_jwt_body["outcome"] == outcome
    name = "revocation" if action == "revoke" else "suspension"
    assert checks(sd_jwt_body)[name] == ("failed", "revoked" if action == "revoke" else "suspended")
    response = client.get(f"{VERIFY}/{credential.id}")
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == outcome
    assert checks(response.json())[name] == checks(sd_jwt_body)[name]

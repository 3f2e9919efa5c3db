"""Verifying presentations: each held credential (embedded or enveloped) and the holder's proof."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.crypto.data_integrity import add_proof
from app.crypto.multikey import (
    generate_private_key,
)
from app.db import utcnow
from app.verification.models import VerificationEvent
from tests.credentials.factories import issuing_setup
from tests.verification.factories import (
    ALL_CHECKS,
    VERIFY,
    enveloped,
    issue,
    presentation,
    signed_by_did_key,
    statuses,
)


def two_credentials(
    client: TestClient, app: FastAPI, db: Session
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    setup = issuing_setup(client, app, db)
    first = issue(client, setup)
    second = issue(client, setup, recipient={"name": "José Ramírez", "email": "jose@example.com"})
    return first, second, setup.staff


def test_presentation_holding_two_credentials(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    first, second, _ = two_credentials(client, app, db)
    vp = presentation(first["credential"], enveloped(second["jwt"]))

    response = client.post(VERIFY, json={"presentation": vp})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "presentation"
    assert body["verified"] is True
    assert body["outcome"] == "verified"
    # No holder proof is reported as such, and does not fail the credentials.
    assert body["checks"] == [
        {
            "name": "proof",
            "status": "unknown",
            "code": "no-holder-proof",
            "detail": body["checks"][0]["detail"],
        }
    ]
    assert [item["format"] for item in body["credentials"]] == ["data-integrity", "vc+jwt"]
    for item in body["credentials"]:
        assert item["verified"] is True
        assert statuses(item) == dict.fromkeys(ALL_CHECKS, "passed")
    names = [item["summary"]["holder_name"] for item in body["credentials"]]
    assert names == ["María Fernanda López", "José Ramírez"]
    assert db.scalar(select(func.count()).select_from(VerificationEvent)) == 2


def test_presentation_as_application_vp(client: TestClient, app: FastAPI, db: Session) -> None:
    first, second, _ = two_credentials(client, app, db)
    vp = presentation(enveloped(first["jwt"]), enveloped(second["jwt"]))
    response = client.post(VERIFY, json=vp, headers={"Content-Type": "application/vp"})
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True


def test_bare_presentation_as_json_is_a_presentation(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    # Its `verifiableCredential` member is not the VC API wrapper of the same name.
    first, second, _ = two_credentials(client, app, db)
    vp = presentation(first["credential"], enveloped(second["jwt"]))

    response = client.post(VERIFY, json=vp)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "presentation"
    assert body["verified"] is True
    assert [item["format"] for item in body["credentials"]] == ["data-integrity", "vc+jwt"]


def test_one_revoked_credential_fails_the_presentation(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    first, second, staff = two_credentials(client, app, db)
    revoke = f"/api/v1/admin/credentials/{first['id']}/revoke"
    assert client.post(revoke, headers=staff, json={"reason": "error"}).status_code == 200

    body = client.post(
        VERIFY, json={"presentation": presentation(first["credential"], enveloped(second["jwt"]))}
    ).json()
    assert body["verified"] is False
    assert body["outcome"] == "revoked"
    assert [item["outcome"] for item in body["credentials"]] == ["revoked", "verified"]


def test_holder_proof_by_did_key(client: TestClient, app: FastAPI, db: Session) -> None:
    first, second, _ = two_credentials(client, app, db)
    signed, holder = signed_by_did_key(app, first["credential"], enveloped(second["jwt"]))

    body = client.post(VERIFY, json={"presentation": signed}).json()
    assert body["verified"] is True
    assert body["holder"] == holder
    assert body["checks"][0]["status"] == "passed"
    assert body["checks"][0]["code"] == "signature-valid"

    tampered = copy.deepcopy(signed)
    tampered["verifiableCredential"] = tampered["verifiableCredential"][:1]
    body = client.post(VERIFY, json={"presentation": tampered}).json()
    assert body["verified"] is False
    assert body["outcome"] == "tampered"
    assert body["checks"][0]["status"] == "failed"
    assert body["checks"][0]["code"] == "signature-mismatch"
    # The credential itself still verifies on its own.
    assert body["credentials"][0]["verified"] is True


def test_holder_proof_by_an_unresolvable_did_is_unknown(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    first, _, _ = two_credentials(client, app, db)
    key = generate_private_key()
    signed = add_proof(
        presentation(first["credential"]),
        private_key=key,
        verification_method="did:web:wallet.example#key-1",
        created=utcnow(),
        contexts=app.state.contexts,
        proof_purpose="authentication",
    )
    body = client.post(VERIFY, json={"presentation": signed}).json()
    assert body["checks"][0]["status"] == "unknown"
    assert body["checks"][0]["code"] == "holder-key-unresolvable"
    assert body["verified"] is True


def test_empty_presentation_is_not_verified(client: TestClient) -> None:
    body = client.post(VERIFY, json={"presentation": presentation()}).json()
    assert body["verified"] is False
    assert body["outcome"] == "invalid"
    assert body["credentials"] == []

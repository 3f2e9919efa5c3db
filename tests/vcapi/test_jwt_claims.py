"""Open Badges 3.0 §8.2 over the W3C VC API: a vc+jwt the issuer envelopes carries `iss`,
`jti`, `nbf`, `exp` and `sub` agreeing with the credential, and the verifier refuses a
vc+jwt whose claims disagree with the credential it carries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.vcapi.factories import VCDM_V2, DidKey, credential, issued, issuing

VC_JWT = "data:application/vc+jwt,"
SUBJECT = "did:example:alice"
ID = "urn:uuid:4c1a7d0e-3b0f-4c56-9d7e-7f2f6c1a0b01"
VALID_FROM = "2026-01-01T00:00:00Z"
VALID_UNTIL = "2031-01-01T00:00:00Z"


def _epoch(moment: str) -> int:
    return int(datetime.fromisoformat(moment).timestamp())


def test_an_issued_vc_jwt_carries_the_ob_3_0_claims(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    document = credential(
        setup.key_did,
        id=ID,
        validFrom=VALID_FROM,
        validUntil=VALID_UNTIL,
        credentialSubject={"id": SUBJECT},
    )
    enveloped = issued(client, setup, document, securingMechanism="EnvelopingProof")
    payload = jwt.decode(enveloped["id"].removeprefix(VC_JWT), options={"verify_signature": False})

    assert {claim: payload[claim] for claim in ("iss", "jti", "nbf", "exp", "sub")} == {
        "iss": setup.key_did,
        "jti": ID,
        "nbf": _epoch(VALID_FROM),
        "exp": _epoch(VALID_UNTIL),
        "sub": SUBJECT,
    }
    verified = client.post("/credentials/verify", json={"verifiableCredential": enveloped})
    assert verified.status_code == 200, verified.text


def _enveloped(key: DidKey, claims: dict[str, Any]) -> dict[str, Any]:
    payload = {
        "@context": [VCDM_V2],
        "type": ["VerifiableCredential"],
        "id": ID,
        "issuer": key.did,
        "validFrom": VALID_FROM,
        "credentialSubject": {"id": SUBJECT},
        "iss": key.did,
        "jti": ID,
        "nbf": _epoch(VALID_FROM),
        "sub": SUBJECT,
        **claims,
    }
    headers = {"typ": "vc+jwt", "cty": "vc", "kid": key.method}
    token = jwt.encode(payload, key.private_key, algorithm="EdDSA", headers=headers)
    return {"@context": VCDM_V2, "type": "EnvelopedVerifiableCredential", "id": VC_JWT + token}


@pytest.mark.parametrize(
    "claims",
    [
        {"jti": "urn:uuid:another-credential"},
        {"nbf": _epoch("2020-01-01T00:00:00Z")},
        {"exp": _epoch("2030-01-01T00:00:00Z")},
        {"sub": "did:example:mallory"},
        {"iss": "did:example:someone-else"},
    ],
)
def test_a_vc_jwt_whose_claims_disagree_with_its_credential_is_refused(
    client: TestClient, claims: dict[str, Any]
) -> None:
    key = DidKey()
    agreeing = client.post(
        "/credentials/verify", json={"verifiableCredential": _enveloped(key, {})}
    )
    assert agreeing.status_code == 200, agreeing.text

    response = client.post(
        "/credentials/verify", json={"verifiableCredential": _enveloped(key, claims)}
    )
    assert response.status_code == 400, response.text
    assert response.json()["verified"] is False
    assert response.json()["errors"]

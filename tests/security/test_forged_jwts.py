"""Forged JWTs over HTTP (issue 12): vc+jwt credentials whose header chooses its own
algorithm or key, and forged API access tokens. Each is refused as an answer, never a 5xx.
The JOSE unit tests (tests/crypto/test_jose.py) check the same at the function level."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.credentials.signing import current_signer
from app.crypto import multikey
from tests.verification.factories import issued_credential, statuses, unsigned


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _jws(header: dict[str, Any], payload: dict[str, Any], sign: Callable[[bytes], bytes]) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


FORGERIES = [
    "alg-none",
    "hs256-with-the-public-key",
    "foreign-kid",
    "embedded-jwk",
    "jku",
    "x5c",
    "crit",
]


def _forge(kind: str, payload: dict[str, Any], app: FastAPI, db: Session) -> str:
    signer = current_signer(
        db, settings=app.state.settings, cache=app.state.key_cache, contexts=app.state.contexts
    )
    ours = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": signer.verification_method}
    attacker = multikey.generate_private_key()
    if kind == "alg-none":
        return _jws({**ours, "alg": "none"}, payload, lambda _: b"")
    if kind == "hs256-with-the-public-key":
        public = signer.private_key.public_key().public_bytes_raw()
        return _jws(
            {**ours, "alg": "HS256"},
            payload,
            lambda data: hmac.new(public, data, hashlib.sha256).digest(),
        )
    if kind == "foreign-kid":
        return _jws({**ours, "kid": "did:web:attacker.example#key-1"}, payload, attacker.sign)
    if kind == "embedded-jwk":
        jwk = multikey.public_key_to_jwk(attacker.public_key(), kid=signer.verification_method)
        return _jws({**ours, "jwk": jwk}, payload, attacker.sign)
    if kind == "jku":
        return _jws({**ours, "jku": "https://attacker.example/jwks.json"}, payload, attacker.sign)
    if kind == "x5c":
        return _jws({**ours, "x5c": ["MIIBattacker"]}, payload, attacker.sign)
    # `crit` naming an extension nobody understands, signed with the issuer's real key:
    # RFC 7515 §4.1.11 requires refusing it even though the signature is good.
    critical = {**ours, "crit": ["nassc-ext"], "nassc-ext": True}
    return _jws(critical, payload, signer.private_key.sign)


@pytest.mark.parametrize("kind", FORGERIES)
def test_a_forged_vc_jwt_is_not_verified(
    client: TestClient, app: FastAPI, db: Session, kind: str
) -> None:
    _, issued = issued_credential(client, app, db)
    token = _forge(kind, unsigned(issued["credential"]), app, db)

    response = client.post("/api/v1/verify", json={"credential": token})
    if response.status_code == 200:
        body = response.json()
        assert body["verified"] is False
        assert statuses(body)["proof"] == "failed"
    else:  # not even readable as a JWS (no signature): a problem, not an answer
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
    vc_api = client.post("/credentials/verify", json={"verifiableCredential": token})
    assert 400 <= vc_api.status_code < 500, vc_api.text


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "none", "typ": "JWT"},
        {"alg": "HS256", "typ": "JWT", "kid": "../../keys/other"},
        {"alg": "HS256", "typ": "JWT", "jku": "https://attacker.example/jwks.json"},
        {"alg": "EdDSA", "typ": "JWT"},
    ],
)
def test_a_forged_access_token_is_401(client: TestClient, header: dict[str, Any]) -> None:
    claims = {"sub": "user:1", "role": "admin", "iss": "http://testserver", "exp": 4102444800}
    token = _jws(header, claims, lambda data: hmac.new(b"guess", data, hashlib.sha256).digest())
    response = client.get("/api/v1/admin/users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"

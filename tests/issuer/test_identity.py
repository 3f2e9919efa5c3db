"""did:web identity, DID document, JWKS, key rotation and retirement over the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jwcrypto import jwk
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.crypto.did import did_web_from_url
from app.crypto.multikey import public_key_from_multibase
from tests.factories import ensure_signing_key, staff_headers
from tests.helpers import assert_problem

DID = "did:web:testserver"


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("https://credentials.nassc.org", "did:web:credentials.nassc.org"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        ("https://Example.com:8443/nassc/mx", "did:web:example.com%3A8443:nassc:mx"),
    ],
)
def test_did_web_derivation(url: str, did: str) -> None:
    assert did_web_from_url(url) == did


def test_did_document_lists_the_key_as_multikey(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    kid = ensure_signing_key(app, db)
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    document = response.json()
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert document["id"] == DID
    [method] = document["verificationMethod"]
    assert method == {
        "id": f"{DID}#{kid}",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": kid,
    }
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert document["assertionMethod"] == [method["id"]]


def test_jwks_matches_the_did_document(client: TestClient, app: FastAPI, db: Session) -> None:
    kid = ensure_signing_key(app, db)
    [key] = client.get("/.well-known/jwks.json").json()["keys"]
    assert key["kid"] == f"{DID}#{kid}"
    assert set(key) == {"kty", "crv", "x", "kid", "use", "alg"}
    # A second library reads the JWK and finds the same public key bytes.
    parsed = jwk.JWK(**key)
    raw = public_key_from_multibase(kid).public_bytes_raw()
    assert parsed.export_public(as_dict=True)["x"] == key["x"]
    assert parsed.get_op_key("verify").public_bytes_raw() == raw


def test_private_keys_are_encrypted_at_rest(app: FastAPI, db: Session) -> None:
    kid = ensure_signing_key(app, db)
    pem = (Path(app.state.settings.keys_dir) / f"{kid}.pem").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert (Path(app.state.settings.keys_dir) / f"{kid}.pem").stat().st_mode & 0o077 == 0


def test_rotation_keeps_old_keys_published_and_retire_withdraws(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    old = ensure_signing_key(app, db)
    admin = staff_headers(client, db, Role.admin)
    rotated = client.post("/api/v1/admin/keys/rotate", headers=admin)
    assert rotated.status_code == 201
    new = rotated.json()["kid"]
    assert rotated.json()["status"] == "active"
    assert "private" not in rotated.text.lower()

    methods = client.get("/.well-known/did.json").json()["verificationMethod"]
    assert [m["publicKeyMultibase"] for m in methods] == [old, new]

    active = client.post(f"/api/v1/admin/keys/{new}/retire", headers=admin, json={"reason": "test"})
    assert_problem(active, 409, "active-key-cannot-be-retired")
    retired = client.post(
        f"/api/v1/admin/keys/{old}/retire", headers=admin, json={"reason": "compromised"}
    )
    assert retired.status_code == 200
    assert retired.json()["status"] == "retired"
    methods = client.get("/.well-known/did.json").json()["verificationMethod"]
    assert [m["publicKeyMultibase"] for m in methods] == [new]
    assert not (Path(app.state.settings.keys_dir) / f"{old}.pem").exists()


def test_only_admins_rotate(client: TestClient, db: Session) -> None:
    registrar = staff_headers(client, db, Role.registrar)
    assert_problem(client.post("/api/v1/admin/keys/rotate", headers=registrar), 403, "forbidden")


def test_readyz_needs_a_signing_key(client: TestClient, app: FastAPI, db: Session) -> None:
    not_ready = client.get("/readyz")
    body = assert_problem(not_ready, 503, "not-ready")
    assert body["checks"] == {"database": "ok", "signing_key": "missing"}
    ensure_signing_key(app, db)
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "signing_key": "ok"}


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_issuer_profile_in_three_languages(client: TestClient, lang: str) -> None:
    response = client.get(f"/issuer?lang={lang}")
    assert response.status_code == 200
    profile = response.json()
    assert profile["id"] == DID
    assert profile["type"] == ["Profile"]
    assert response.headers["content-language"] == lang
    names = {
        "en": "North American Standards Skills Council (NASSC)",
        "es": "Consejo Norteamericano de Estándares de Competencias (NASSC)",
        "fr": "Conseil nord-américain des normes de compétences (NASSC)",
    }
    assert profile["name"] == names[lang]

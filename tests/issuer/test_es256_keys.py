"""ES256 (P-256) issuer keys beside Ed25519: published, rotated per algorithm, never exposed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jwcrypto import jwk
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.crypto.multikey import p256_public_key_from_multibase
from app.db import utcnow
from app.keys import service as keys_service
from app.keys.models import KeyAlgorithm
from tests.factories import staff_headers
from tests.helpers import assert_problem

DID = "did:web:testserver"


def ensure_both(app: FastAPI, db: Session) -> dict[str, str]:
    keys = keys_service.ensure_keys(db, store=app.state.key_store, now=utcnow())
    db.commit()
    return {key.algorithm: key.kid for key, _ in keys}


def test_did_document_and_jwks_list_both_keys(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    kids = ensure_both(app, db)
    assert kids["ES256"].startswith("zDn")
    assert kids["EdDSA"].startswith("z6Mk")
    document = client.get("/.well-known/did.json").json()
    methods = {m["publicKeyMultibase"]: m for m in document["verificationMethod"]}
    assert set(methods) == set(kids.values())
    assert methods[kids["ES256"]] == {
        "id": f"{DID}#{kids['ES256']}",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": kids["ES256"],
    }
    assert set(document["assertionMethod"]) == {f"{DID}#{kid}" for kid in kids.values()}

    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    by_alg = {key["alg"]: key for key in response.json()["keys"]}
    assert set(by_alg) == {"EdDSA", "ES256"}
    es256 = by_alg["ES256"]
    assert es256["kid"] == f"{DID}#{kids['ES256']}"
    assert set(es256) == {"kty", "crv", "x", "y", "kid", "use", "alg"}
    assert (es256["kty"], es256["crv"]) == ("EC", "P-256")
    # Another library reads the JWK and finds the point the Multikey encodes.
    parsed = jwk.JWK(**es256).get_op_key("verify")
    published = p256_public_key_from_multibase(kids["ES256"])
    assert isinstance(parsed, ec.EllipticCurvePublicKey)
    assert parsed.public_numbers() == published.public_numbers()


def test_ensure_is_idempotent_per_algorithm(app: FastAPI, db: Session) -> None:
    first = ensure_both(app, db)
    again = keys_service.ensure_keys(db, store=app.state.key_store, now=utcnow())
    assert [created for _, created in again] == [False, False]
    assert {key.algorithm: key.kid for key, _ in again} == first


def test_rotation_is_per_algorithm(client: TestClient, app: FastAPI, db: Session) -> None:
    kids = ensure_both(app, db)
    admin = staff_headers(client, db, Role.admin)
    rotated = client.post("/api/v1/admin/keys/rotate?algorithm=ES256", headers=admin)
    assert rotated.status_code == 201, rotated.text
    body = rotated.json()
    assert body["algorithm"] == "ES256"
    assert body["status"] == "active"
    assert body["kid"].startswith("zDn")

    listed = client.get("/api/v1/admin/keys", headers=admin).json()
    statuses = {key["kid"]: (key["algorithm"], key["status"]) for key in listed}
    assert statuses[kids["EdDSA"]] == ("EdDSA", "active")
    assert statuses[kids["ES256"]] == ("ES256", "published")
    assert statuses[body["kid"]] == ("ES256", "active")
    methods = client.get("/.well-known/did.json").json()["verificationMethod"]
    assert len(methods) == 3
    signer = keys_service.active_jws_key(
        db, cache=app.state.key_cache, algorithm=KeyAlgorithm.es256
    )
    assert signer.kid == body["kid"]
    assert keys_service.active_key(db, cache=app.state.key_cache).kid == kids["EdDSA"]


def test_rotation_refuses_an_unknown_algorithm(client: TestClient, db: Session) -> None:
    admin = staff_headers(client, db, Role.admin)
    response = client.post("/api/v1/admin/keys/rotate?algorithm=RS256", headers=admin)
    assert_problem(response, 422, "validation-error")


def test_a_p256_private_key_is_never_returned_or_logged(
    client: TestClient, app: FastAPI, db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    kids = ensure_both(app, db)
    admin = staff_headers(client, db, Role.admin)
    rotated = client.post("/api/v1/admin/keys/rotate?algorithm=ES256", headers=admin)
    private = app.state.key_store.load(rotated.json()["kid"])
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    secret = private.private_numbers().private_value
    d = jwk.JWK.from_pyca(private).export_private(as_dict=True)["d"]
    listed = client.get("/api/v1/admin/keys", headers=admin)
    for text in (rotated.text, listed.text, client.get("/.well-known/jwks.json").text, caplog.text):
        assert d not in text
        assert str(secret) not in text
        assert '"d"' not in text
    pem = (Path(app.state.settings.keys_dir) / f"{kids['ES256']}.pem").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")

"""Factories for wallet tests: a credential issued over HTTP, both issuer keys, holder keys,
DPoP proofs signed with joserfc."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import ECKey, OKPKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.credentials.models import Credential
from app.crypto import jws, sd_jwt
from app.crypto import token_status_list as tsl
from app.crypto.jose import CompactJws
from app.db import utcnow
from app.keys import service as keys_service
from app.wallet.sd_jwt_vc import issue_sd_jwt_vc
from tests.credentials.factories import IssuingSetup, issue_body, issuing_setup

CREDENTIALS = "/api/v1/credentials"


def issued_credential(
    client: TestClient, app: FastAPI, db: Session
) -> tuple[IssuingSetup, Credential]:
    """A credential issued over HTTP by an accredited provider, with both issuer keys."""
    setup = issuing_setup(client, app, db)
    keys_service.ensure_keys(db, store=app.state.key_store, now=utcnow())
    db.commit()
    return setup, another_credential(client, db, setup)


def another_credential(
    client: TestClient, db: Session, setup: IssuingSetup, *, name: str = "María Fernanda López"
) -> Credential:
    """One more credential of `setup`'s provider, issued over HTTP."""
    body = issue_body(setup.curriculum_id, name=name)
    response = client.post(CREDENTIALS, headers=setup.provider, json=body)
    assert response.status_code == 201, response.text
    return db.scalars(select(Credential).where(Credential.id == response.json()["id"])).one()


def holder_key() -> ec.EllipticCurvePrivateKey:
    """A wallet's own P-256 key."""
    return ec.generate_private_key(ec.SECP256R1())


def wallet_copy(
    app: FastAPI,
    db: Session,
    credential: Credential,
    holder: jws.PrivateKey,
    algorithm: str = "ES256",
) -> str:
    """An SD-JWT VC of `credential` for `holder`, committed."""
    serialized = issue_sd_jwt_vc(
        db,
        credential=credential,
        holder_jwk=jws.public_key_to_jwk(holder.public_key()),
        algorithm=algorithm,
        base_url=app.state.settings.public_base_url,
        now=utcnow(),
        keys=app.state.key_cache,
    )
    db.commit()
    return serialized


def path_of(url: str) -> str:
    """The path of one of our URLs (the test client's base is http://testserver)."""
    assert url.startswith("http://testserver/"), url
    return url.removeprefix("http://testserver")


def issuer_keys(client: TestClient) -> dict[str, dict[str, Any]]:
    """The issuer's JWKs by `kid`, found the SD-JWT VC way: /.well-known/jwt-vc-issuer."""
    metadata = client.get("/.well-known/jwt-vc-issuer").json()
    assert metadata["issuer"] == "http://testserver"
    jwks = client.get(path_of(metadata["jwks_uri"])).json()
    return {key["kid"]: key for key in jwks["keys"]}


def key_resolver(client: TestClient) -> Any:
    keys = issuer_keys(client)

    def resolve(token: CompactJws) -> jws.PublicKey:
        return jws.public_key_from_jwk(
            {name: value for name, value in keys[token.header["kid"]].items() if name != "kid"}
        )

    return resolve


def token_status(client: TestClient, serialized: str, *, now: float) -> tuple[int, str]:
    """The status of an SD-JWT VC read from its Status List Token fetched over HTTP, and the
    token."""
    claims = sd_jwt.split(serialized)[0]
    payload = jws.decode(claims).payload
    index, uri = tsl.reference(payload)
    response = client.get(path_of(uri))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == tsl.MEDIA_TYPE
    token = response.text
    kid = jws.decode(token).header["kid"]
    public = issuer_keys(client)[kid]
    verified = tsl.verify_token(
        token,
        public_key=jws.public_key_from_jwk({k: v for k, v in public.items() if k != "kid"}),
        uri=uri,
        now=now,
    )
    return verified.status_list.get(index), token


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _ath(token: str) -> str:
    return b64(hashlib.sha256(token.encode("ascii")).digest())


def dpop_proof(
    private: jws.PrivateKey,
    *,
    url: str,
    method: str = "POST",
    access_token: str | None = None,
    header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
) -> str:
    """A DPoP proof JWT signed with joserfc (`header`/`claims` override or add members)."""
    algorithm = "Ed25519" if isinstance(private, Ed25519PrivateKey) else "ES256"
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key = (OKPKey if isinstance(private, Ed25519PrivateKey) else ECKey).import_key(pem)
    protected = {
        "typ": "dpop+jwt",
        "alg": algorithm,
        "jwk": jws.public_key_to_jwk(private.public_key()),
        **(header or {}),
    }
    payload: dict[str, Any] = {
        "jti": str(uuid.uuid4()),
        "htm": method,
        "htu": url,
        "iat": int(time.time()),
        **({"ath": _ath(access_token)} if access_token else {}),
        **(claims or {}),
    }
    return joserfc_jwt.encode(protected, payload, key, algorithms=[protected["alg"]])

"""JWT key proofs (OpenID4VCI 1.0 Appendix F.1) and the single-use nonces they carry.

Proofs are made the way wallets make them, with joserfc (not the library that our own JWS
code uses), and with hostile variations; nonces come from the nonce endpoint over HTTP.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import ECKey, OKPKey
from sqlalchemy.orm import Session

from app.crypto import jws
from app.crypto.multikey import did_key_verification_method
from app.db import utcnow
from app.wallet import offers
from app.wallet.errors import OAuthError
from app.wallet.key_proofs import verify_key_proof

AUDIENCE = "http://testserver"
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def _joserfc_key(private: jws.PrivateKey) -> Any:
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (OKPKey if isinstance(private, Ed25519PrivateKey) else ECKey).import_key(pem)


def _proof(
    private: jws.PrivateKey,
    *,
    header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
) -> str:
    # joserfc (rightly) calls EdDSA deprecated: RFC 9864 names it Ed25519, as new wallets do.
    algorithm = "Ed25519" if isinstance(private, Ed25519PrivateKey) else "ES256"
    public = jws.public_key_to_jwk(private.public_key())
    protected = {"alg": algorithm, "typ": "openid4vci-proof+jwt", "jwk": public, **(header or {})}
    body = {"aud": AUDIENCE, "iat": int(NOW.timestamp()), "nonce": "n-1", **(claims or {})}
    return joserfc_jwt.encode(
        {k: v for k, v in protected.items() if v is not None},
        body,
        _joserfc_key(private),
        algorithms=[algorithm],
    )


@pytest.mark.parametrize("kind", ["Ed25519", "P-256"])
def test_a_wallets_proof_gives_its_public_key(kind: str) -> None:
    private = (
        Ed25519PrivateKey.generate()
        if kind == "Ed25519"
        else ec.generate_private_key(ec.SECP256R1())
    )
    proof = verify_key_proof(_proof(private), audience=AUDIENCE, now=NOW)
    assert proof.jwk == jws.public_key_to_jwk(private.public_key())
    assert proof.nonce == "n-1"


def test_a_did_key_kid_names_the_key() -> None:
    private = Ed25519PrivateKey.generate()
    kid = did_key_verification_method(private.public_key())
    proof = verify_key_proof(
        _proof(private, header={"jwk": None, "kid": kid}), audience=AUDIENCE, now=NOW
    )
    assert proof.jwk == jws.public_key_to_jwk(private.public_key())


def _refused(proof: str, message: str, *, now: datetime = NOW) -> None:
    with pytest.raises(OAuthError, match=message) as caught:
        verify_key_proof(proof, audience=AUDIENCE, now=now)
    assert caught.value.error == "invalid_proof"


def test_hostile_proofs_are_refused() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    _refused(_proof(private, claims={"aud": "https://other.example"}), "aud")
    _refused(_proof(private, header={"typ": "JWT"}), "typ")
    _refused(_proof(private), "too old", now=NOW + timedelta(minutes=10))
    _refused(_proof(private), "future", now=NOW - timedelta(minutes=10))
    _refused(_proof(private, claims={"iat": None}), "iat")
    _refused(_proof(private, header={"kid": "key-1"}), "one of jwk, kid, x5c")
    _refused(_proof(private, header={"jwk": None, "kid": "https://evil.example/k"}), "did:key")
    other = jws.public_key_to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key())
    _refused(_proof(private, header={"jwk": other}), "signature")


def test_a_proof_carrying_a_private_key_is_refused() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    leaked = {**jws.public_key_to_jwk(private.public_key()), "d": "AAAA"}
    _refused(_proof(private, header={"jwk": leaked}), "private members")


@pytest.mark.parametrize("algorithm", ["none", "HS256", "RS256", "EdDSA"])
def test_algorithms_other_than_the_keys_are_refused(algorithm: str) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    proof = _proof(private)
    _, payload, signature = proof.split(".")
    header = dict(jws.decode(proof).header, alg=algorithm)
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    _refused(f"{encoded}.{payload}.{signature}", "alg")


def test_not_a_jws_is_refused() -> None:
    _refused("not.a.jws", "malformed JWS")
    with pytest.raises(OAuthError):
        verify_key_proof({"proof": "x"}, audience=AUDIENCE, now=NOW)


def test_a_nonce_is_spent_once(client: TestClient, db: Session) -> None:
    nonce = client.post("/openid4vci/nonce").json()["c_nonce"]
    offers.use_nonce(db, nonce, now=utcnow())
    db.commit()
    with pytest.raises(OAuthError, match="used already") as caught:
        offers.use_nonce(db, nonce, now=utcnow())
    assert caught.value.error == "invalid_nonce"
    with pytest.raises(OAuthError, match="unknown"):
        offers.use_nonce(db, "never-issued", now=utcnow())
    db.rollback()
    later = client.post("/openid4vci/nonce").json()["c_nonce"]
    with pytest.raises(OAuthError, match="expired"):
        offers.use_nonce(db, later, now=utcnow() + offers.NONCE_LIFETIME)

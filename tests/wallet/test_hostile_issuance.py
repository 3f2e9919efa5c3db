"""Hostile wallets at the OpenID4VCI endpoints, over HTTP: each gets the error the spec names
and changes nothing (no row anywhere, no nonce spent, no code redeemed).

The key proofs are the ones issue #14 lists: a wrong `aud`, an old (expired) or replayed
nonce, `alg: none`, a `jwk` carrying the private key, a stale `iat`; at the token endpoint a
used or expired pre-authorized code and wrong PINs up to the limit on tries.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import ECKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.crypto import jws
from app.db import utcnow
from app.wallet.models import CredentialOffer, KeyProofNonce
from app.wallet.offers import MAX_TX_CODE_FAILURES
from tests.helpers import row_counts
from tests.wallet.test_openid4vci import Wallet, _oauth_error, _offer
from tests.wallet.test_openid4vci_sd_jwt import _offer_with_both_keys, _token

ISSUER = "http://testserver"
Proof = Callable[[ec.EllipticCurvePrivateKey, str], str]


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _signed(
    private: ec.EllipticCurvePrivateKey,
    nonce: str,
    *,
    header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
) -> str:
    """A key proof as a wallet signs one (joserfc, ES256), with `header` and `claims` changed."""
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    protected = {
        "alg": "ES256",
        "typ": "openid4vci-proof+jwt",
        "jwk": jws.public_key_to_jwk(private.public_key()),
        **(header or {}),
    }
    body = {"aud": ISSUER, "iat": int(time.time()), "nonce": nonce, **(claims or {})}
    return joserfc_jwt.encode(protected, body, ECKey.import_key(pem), algorithms=["ES256"])


def _unsigned(private: ec.EllipticCurvePrivateKey, nonce: str) -> str:
    """`alg: none`, no signature: what a wallet-in-the-middle would try."""
    header = {"alg": "none", "typ": "openid4vci-proof+jwt"}
    header["jwk"] = jws.public_key_to_jwk(private.public_key())  # type: ignore[assignment]
    claims = {"aud": ISSUER, "iat": int(time.time()), "nonce": nonce}
    return f"{_segment(header)}.{_segment(claims)}."


def _with_private_key(private: ec.EllipticCurvePrivateKey, nonce: str) -> str:
    number = private.private_numbers().private_value.to_bytes(32, "big")
    leaked = {**jws.public_key_to_jwk(private.public_key()), "d": _segment_bytes(number)}
    return _signed(private, nonce, header={"jwk": leaked})


def _segment_bytes(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


HOSTILE_PROOFS: dict[str, tuple[Proof, str]] = {
    "wrong aud": (
        lambda key, nonce: _signed(key, nonce, claims={"aud": "https://other.example"}),
        "invalid_proof",
    ),
    "alg none": (_unsigned, "invalid_proof"),
    "private key in jwk": (_with_private_key, "invalid_proof"),
    "stale iat": (
        lambda key, nonce: _signed(key, nonce, claims={"iat": int(time.time()) - 3600}),
        "invalid_proof",
    ),
    "made-up nonce": (lambda key, nonce: _signed(key, "made-up"), "invalid_nonce"),
}


@pytest.mark.parametrize("name", list(HOSTILE_PROOFS))
def test_a_hostile_key_proof_gets_the_spec_error_and_changes_nothing(
    client: TestClient, app: FastAPI, db: Session, name: str
) -> None:
    make, error = HOSTILE_PROOFS[name]
    offered = _offer_with_both_keys(client, app, db)
    token, configuration = _token(client, offered)
    wallet = Wallet(client)
    holder = ec.generate_private_key(ec.SECP256R1())
    nonce = client.post("/openid4vci/nonce").json()["c_nonce"]
    before = row_counts(db)

    body = {"credential_configuration_id": configuration, "proofs": {"jwt": [make(holder, nonce)]}}
    _oauth_error(wallet.credential(token, body), 400, error)

    assert row_counts(db) == before
    assert db.scalars(select(KeyProofNonce.used_at)).all() == [None]
    # The nonce was not spent, nor the token: an honest proof with them is served.
    honest = {
        "credential_configuration_id": configuration,
        "proofs": {"jwt": [_signed(holder, nonce)]},
    }
    assert wallet.credential(token, honest).status_code == 200


@pytest.mark.parametrize("case", ["expired", "replayed"])
def test_an_old_or_replayed_nonce_is_invalid_nonce_and_changes_nothing(
    client: TestClient, app: FastAPI, db: Session, case: str
) -> None:
    offered = _offer_with_both_keys(client, app, db)
    token, configuration = _token(client, offered)
    wallet = Wallet(client)
    holder = ec.generate_private_key(ec.SECP256R1())
    nonce = client.post("/openid4vci/nonce").json()["c_nonce"]

    def ask() -> Any:
        proofs = {"jwt": [_signed(holder, nonce)]}
        return wallet.credential(
            token, {"credential_configuration_id": configuration, "proofs": proofs}
        )

    if case == "expired":
        db.execute(update(KeyProofNonce).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    else:
        assert ask().status_code == 200
    before = row_counts(db)
    _oauth_error(ask(), 400, "invalid_nonce")
    assert row_counts(db) == before


def _offer_state(db: Session) -> tuple[Any, ...]:
    db.expire_all()
    offer = db.scalars(select(CredentialOffer)).one()
    return (offer.redeemed_at, offer.token_hash, offer.token_expires_at, offer.failed_tx_codes)


@pytest.mark.parametrize("case", ["used", "expired"])
def test_a_used_or_expired_pre_authorized_code_is_invalid_grant_and_changes_nothing(
    client: TestClient, app: FastAPI, db: Session, case: str
) -> None:
    offered = _offer(client, app, db)
    wallet = Wallet(client)
    offer = wallet.read_offer(offered.offer["offer_by_value_link"])
    if case == "used":
        assert wallet.token(offer).status_code == 200
    else:
        db.execute(update(CredentialOffer).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    before, state = row_counts(db), _offer_state(db)
    _oauth_error(wallet.token(offer), 400, "invalid_grant")
    assert row_counts(db) == before
    assert _offer_state(db) == state


def test_wrong_pins_count_against_a_limit_and_change_nothing_else(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    offered = _offer(client, app, db, tx_code=True)
    pin = offered.offer["tx_code"]
    wrong = "000000" if pin != "000000" else "111111"
    wallet = Wallet(client)
    offer = wallet.read_offer(offered.offer["offer_link"])
    before = row_counts(db)
    for tries in range(1, MAX_TX_CODE_FAILURES + 1):
        _oauth_error(wallet.token(offer, wrong), 400, "invalid_grant")
        assert _offer_state(db) == (None, None, None, tries)
    _oauth_error(wallet.token(offer, pin), 400, "invalid_grant")
    assert _offer_state(db) == (None, None, None, MAX_TX_CODE_FAILURES)
    assert row_counts(db) == before

"""A wallet receives SD-JWT VCs over OpenID4VCI: one per key proof, each bound to its key.

The wallet makes its key proofs with joserfc, as wallets do; the credentials are checked by
our verifier (issuer key found the SD-JWT VC way) and by the OpenWallet Foundation's
libraries in Node, with their Token Status List fetched over HTTP.
"""

from __future__ import annotations

import time
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import ECKey, OKPKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.credentials.models import WalletCredential
from app.crypto import jws, sd_jwt
from app.crypto import token_status_list as tsl
from app.db import utcnow
from app.keys import service as keys_service
from tests.interop.node_verifier import run_sd_jwt_verifier
from tests.wallet.factories import issuer_keys, key_resolver, token_status
from tests.wallet.test_openid4vci import Offered, Wallet, _oauth_error, _offer

ISSUER = "http://testserver"


def _key_proof(
    client: TestClient, private: jws.PrivateKey, *, audience: str = ISSUER, nonce: str | None = None
) -> str:
    nonce = nonce or client.post("/openid4vci/nonce").json()["c_nonce"]
    algorithm = "Ed25519" if isinstance(private, Ed25519PrivateKey) else "ES256"
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key = (OKPKey if isinstance(private, Ed25519PrivateKey) else ECKey).import_key(pem)
    header = {
        "alg": algorithm,
        "typ": "openid4vci-proof+jwt",
        "jwk": jws.public_key_to_jwk(private.public_key()),
    }
    claims = {"aud": audience, "iat": int(time.time()), "nonce": nonce}
    return joserfc_jwt.encode(header, claims, key, algorithms=[algorithm])


def _offer_with_both_keys(client: TestClient, app: FastAPI, db: Session) -> Offered:
    """An offer, with the issuer's ES256 key beside its Ed25519 one (`nassc keys ensure`)."""
    offered = _offer(client, app, db)
    keys_service.ensure_keys(db, store=app.state.key_store, now=utcnow())
    db.commit()
    return offered


def _token(client: TestClient, offered: Offered) -> tuple[str, str]:
    wallet = Wallet(client)
    offer = wallet.read_offer(offered.offer["offer_link"])
    configuration = offer["credential_configuration_ids"][0]
    assert configuration == f"{offered.setup.standard.code}_dc+sd-jwt"
    return wallet.token(offer).json()["access_token"], configuration


def test_each_key_proof_gets_its_own_bound_sd_jwt_vc(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    offered = _offer_with_both_keys(client, app, db)
    token, configuration = _token(client, offered)
    metadata = client.get("/.well-known/openid-credential-issuer").json()
    described = metadata["credential_configurations_supported"][configuration]
    assert described["format"] == "dc+sd-jwt"
    assert described["vct"] == f"{ISSUER}/vct/{offered.setup.standard.code}"
    assert "jwt" in described["proof_types_supported"]

    holders: list[jws.PrivateKey] = [
        ec.generate_private_key(ec.SECP256R1()),
        Ed25519PrivateKey.generate(),
    ]
    response = Wallet(client).credential(
        token,
        {
            "credential_configuration_id": configuration,
            "proofs": {"jwt": [_key_proof(client, holder) for holder in holders]},
        },
    )
    assert response.status_code == 200, response.text
    issued = [item["credential"] for item in response.json()["credentials"]]
    assert len(issued) == 2
    indexes = set()
    node_items: list[dict[str, Any]] = []
    keys = issuer_keys(client)
    for serialized, holder in zip(issued, holders, strict=True):
        verified = sd_jwt.verify(
            serialized,
            resolve_key=key_resolver(client),
            accepted_typ={"dc+sd-jwt"},
            key_binding=None,
        )
        assert verified.claims["cnf"]["jwk"] == jws.public_key_to_jwk(holder.public_key())
        assert verified.claims["vct"] == described["vct"]
        status, list_token = token_status(client, serialized, now=time.time())
        assert status == tsl.VALID
        indexes.add(tsl.reference(verified.claims))
        kid = jws.decode(sd_jwt.split(serialized)[0]).header["kid"]
        node_items.append(
            {
                "credential": serialized,
                "issuerJwk": keys[kid],
                "statusListToken": list_token,
                "now": int(time.time()),
            }
        )
    assert len(indexes) == 2, "each credential has its own status entry"
    for result in run_sd_jwt_verifier(node_items):
        assert result.verified, result.error
        assert result.raw["status"] == tsl.VALID


def test_bad_key_proofs_are_refused_and_issue_nothing(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    offered = _offer_with_both_keys(client, app, db)
    token, configuration = _token(client, offered)
    wallet = Wallet(client)
    holder = ec.generate_private_key(ec.SECP256R1())

    def ask(proofs: Any) -> Any:
        body = {"credential_configuration_id": configuration, "proofs": proofs}
        return wallet.credential(token, body)

    _oauth_error(ask(None), 400, "invalid_proof")
    _oauth_error(
        ask({"jwt": [_key_proof(client, holder, audience="https://x")]}), 400, "invalid_proof"
    )
    _oauth_error(ask({"jwt": [_key_proof(client, holder, nonce="made-up")]}), 400, "invalid_nonce")
    _oauth_error(ask({"ldp_vp": ["x"]}), 400, "invalid_proof")
    too_many = {"jwt": [_key_proof(client, holder) for _ in range(6)]}
    _oauth_error(ask(too_many), 400, "invalid_credential_request")
    # One good proof and one bad: nothing is issued, and the good proof's nonce is not spent.
    nonce = client.post("/openid4vci/nonce").json()["c_nonce"]
    good = _key_proof(client, holder, nonce=nonce)
    _oauth_error(ask({"jwt": [good, "not-a-jwt"]}), 400, "invalid_proof")
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(WalletCredential)) == 0
    assert ask({"jwt": [good]}).status_code == 200
    # Its nonce is spent now: the same proof again is a replay.
    _oauth_error(ask({"jwt": [good]}), 400, "invalid_nonce")


def test_the_proofs_of_one_batch_may_share_their_nonce_which_is_then_spent(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    offered = _offer_with_both_keys(client, app, db)
    token, configuration = _token(client, offered)
    wallet = Wallet(client)
    nonce = client.post("/openid4vci/nonce").json()["c_nonce"]
    holders = [ec.generate_private_key(ec.SECP256R1()) for _ in range(3)]
    proofs = [_key_proof(client, holder, nonce=nonce) for holder in holders]
    body = {"credential_configuration_id": configuration, "proofs": {"jwt": proofs}}
    response = wallet.credential(token, body)
    assert response.status_code == 200, response.text
    assert len(response.json()["credentials"]) == 3
    # The shared nonce is spent: a new proof that carries it is a replay.
    again = {"jwt": [_key_proof(client, ec.generate_private_key(ec.SECP256R1()), nonce=nonce)]}
    _oauth_error(
        wallet.credential(token, {"credential_configuration_id": configuration, "proofs": again}),
        400,
        "invalid_nonce",
    )

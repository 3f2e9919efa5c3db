"""DPoP-bound access tokens (RFC 9449) at the token and credential endpoints (both engines).

The wallet signs its DPoP proofs with joserfc; our checks refuse each kind of bad proof with
the RFC's error, and a bound token works only with a proof by its own key. Plain Bearer
tokens still work for a wallet that sends no proof.
"""

from __future__ import annotations

import hmac
import json
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.crypto import jws
from app.wallet.models import CredentialOffer
from tests.wallet.factories import b64, dpop_proof
from tests.wallet.test_openid4vci import GRANT, LDP_VC, Wallet, _oauth_error, _offer

TOKEN_URL = "http://testserver/openid4vci/token"
CREDENTIAL_URL = "http://testserver/openid4vci/credential"
LDP = {"credential_configuration_id": LDP_VC}


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    encoded = (b64(json.dumps(part).encode()) for part in (header, claims))
    return ".".join([*encoded, b64(signature)])


class DpopWallet(Wallet):
    """The test wallet, sending DPoP headers as it is told."""

    def token_with(self, offer: dict[str, Any], headers: Any) -> Any:
        form = {
            "grant_type": GRANT,
            "pre-authorized_code": offer["grants"][GRANT]["pre-authorized_code"],
        }
        return self.client.post("/openid4vci/token", data=form, headers=headers)

    def credential_with(self, authorization: str, proof: str | None, body: Any = None) -> Any:
        headers = {"Authorization": authorization}
        if proof is not None:
            headers["DPoP"] = proof
        return self.client.post("/openid4vci/credential", json=body or LDP, headers=headers)


def _bound_token(
    client: TestClient, app: FastAPI, db: Session, key: jws.PrivateKey
) -> tuple[DpopWallet, str]:
    wallet = DpopWallet(client)
    offer = wallet.read_offer(_offer(client, app, db).offer["offer_link"])
    granted = wallet.token_with(offer, {"DPoP": dpop_proof(key, url=TOKEN_URL)})
    assert granted.status_code == 200, granted.text
    assert granted.json()["token_type"] == "DPoP"
    return wallet, granted.json()["access_token"]


def _dpop_error(response: Any, status: int, error: str) -> None:
    _oauth_error(response, status, error)
    if status == 401:
        challenge = response.headers["www-authenticate"]
        assert challenge.startswith(f'DPoP error="{error}"'), challenge
        assert 'algs="ES256 EdDSA Ed25519"' in challenge


def test_the_authorization_server_advertises_dpop(client: TestClient) -> None:
    metadata = client.get("/.well-known/oauth-authorization-server").json()
    assert metadata["dpop_signing_alg_values_supported"] == ["ES256", "EdDSA", "Ed25519"]


def test_a_dpop_bound_token_fetches_credentials_with_proofs_by_its_key(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    key = Ed25519PrivateKey.generate()
    wallet, token = _bound_token(client, app, db, key)
    db.expire_all()
    bound = db.scalars(select(CredentialOffer.token_jkt)).one()
    assert bound is not None and len(bound) == 43
    for _ in range(2):
        proof = dpop_proof(key, url=CREDENTIAL_URL, access_token=token)
        response = wallet.credential_with(f"DPoP {token}", proof)
        assert response.status_code == 200, response.text
        assert response.json()["credentials"][0]["credential"]["type"][0] == "VerifiableCredential"


def test_a_dpop_bound_token_is_refused_without_its_key(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    wallet, token = _bound_token(client, app, db, key)
    good = dpop_proof(key, url=CREDENTIAL_URL, access_token=token)
    # As a bearer token (RFC 9449 §7.2), with or without the proof.
    _dpop_error(wallet.credential_with(f"Bearer {token}", None), 401, "invalid_token")
    _dpop_error(wallet.credential_with(f"Bearer {token}", good), 401, "invalid_token")
    # With another key's proof, and without a proof.
    other = ec.generate_private_key(ec.SECP256R1())
    stolen = dpop_proof(other, url=CREDENTIAL_URL, access_token=token)
    _dpop_error(wallet.credential_with(f"DPoP {token}", stolen), 401, "invalid_token")
    _dpop_error(wallet.credential_with(f"DPoP {token}", None), 401, "invalid_dpop_proof")
    # Proofs by the right key that are wrong in one way each.
    for bad in (
        dpop_proof(key, url=CREDENTIAL_URL),  # no ath
        dpop_proof(key, url=CREDENTIAL_URL, access_token="another-token"),
        dpop_proof(key, url=CREDENTIAL_URL, access_token=token, method="GET"),
        dpop_proof(key, url=TOKEN_URL, access_token=token),
        dpop_proof(key, url=CREDENTIAL_URL, access_token=token, claims={"iat": 1_000_000_000}),
        dpop_proof(key, url=CREDENTIAL_URL, access_token=token, header={"typ": "JWT"}),
    ):
        _dpop_error(wallet.credential_with(f"DPoP {token}", bad), 401, "invalid_dpop_proof")
    # None of that spent the good proof; using it does, and then it is a replay.
    assert wallet.credential_with(f"DPoP {token}", good).status_code == 200
    _dpop_error(wallet.credential_with(f"DPoP {token}", good), 401, "invalid_dpop_proof")


def test_a_failed_request_spends_its_dpop_proof(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    wallet, token = _bound_token(client, app, db, key)
    proof = dpop_proof(key, url=CREDENTIAL_URL, access_token=token)
    unknown = {"credential_configuration_id": "mdoc"}
    _oauth_error(
        wallet.credential_with(f"DPoP {token}", proof, unknown),
        400,
        "unknown_credential_configuration",
    )
    _dpop_error(wallet.credential_with(f"DPoP {token}", proof), 401, "invalid_dpop_proof")


def test_bad_dpop_proofs_at_the_token_endpoint_leave_the_code_unused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    wallet = DpopWallet(client)
    offer = wallet.read_offer(_offer(client, app, db).offer["offer_link"])
    key = ec.generate_private_key(ec.SECP256R1())
    public = jws.public_key_to_jwk(key.public_key())
    now = int(time.time())
    claims = {"jti": "j-1", "htm": "POST", "htu": TOKEN_URL, "iat": now}
    private_jwk = {**public, "d": b64(key.private_numbers().private_value.to_bytes(32, "big"))}
    hs256_header = {"typ": "dpop+jwt", "alg": "HS256", "jwk": public}
    hs256_input = ".".join(b64(json.dumps(part).encode()) for part in (hs256_header, claims))
    hs256 = hmac.new(b"secret", hs256_input.encode(), "sha256").digest()
    bad_proofs = [
        _unsigned({"typ": "dpop+jwt", "alg": "none", "jwk": public}, claims),
        hs256_input + "." + b64(hs256),
        dpop_proof(key, url=TOKEN_URL, header={"jwk": private_jwk}),
        dpop_proof(key, url=TOKEN_URL, header={"typ": "openid4vci-proof+jwt"}),
        dpop_proof(key, url=TOKEN_URL, claims={"jti": None}),
        dpop_proof(key, url=TOKEN_URL, method="PUT"),
        dpop_proof(key, url="https://elsewhere.example/openid4vci/token"),
        dpop_proof(key, url=TOKEN_URL, claims={"iat": now - 3600}),
        dpop_proof(key, url=TOKEN_URL, claims={"iat": now + 3600}),
        dpop_proof(Ed25519PrivateKey.generate(), url=TOKEN_URL, header={"jwk": public}),
        "not.a.jwt",
    ]
    for bad in bad_proofs:
        _oauth_error(wallet.token_with(offer, {"DPoP": bad}), 400, "invalid_dpop_proof")
    two = [("DPoP", dpop_proof(key, url=TOKEN_URL)), ("DPoP", dpop_proof(key, url=TOKEN_URL))]
    _oauth_error(wallet.token_with(offer, two), 400, "invalid_dpop_proof")
    db.expire_all()
    assert db.scalars(select(CredentialOffer.redeemed_at)).one() is None
    # A good proof, replayed: the second use is refused before the grant is looked at.
    good = dpop_proof(key, url=TOKEN_URL, claims={"htu": TOKEN_URL + "?ignored=1"})
    assert wallet.token_with(offer, {"DPoP": good}).status_code == 200
    _oauth_error(wallet.token_with(offer, {"DPoP": good}), 400, "invalid_dpop_proof")


def test_bearer_tokens_still_work_and_are_not_dpop_tokens(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    wallet = DpopWallet(client)
    offer = wallet.read_offer(_offer(client, app, db).offer["offer_link"])
    granted = wallet.token(offer)
    assert granted.json()["token_type"] == "Bearer"
    token = granted.json()["access_token"]
    key = ec.generate_private_key(ec.SECP256R1())
    proof = dpop_proof(key, url=CREDENTIAL_URL, access_token=token)
    _dpop_error(wallet.credential_with(f"DPoP {token}", proof), 401, "invalid_token")
    assert wallet.credential_with(f"Bearer {token}", None).status_code == 200

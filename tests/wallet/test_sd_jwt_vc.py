"""SD-JWT VCs of issued credentials, verified by our verifier and by the OpenWallet
Foundation's libraries, with their Token Status Lists following revocation and suspension."""

from __future__ import annotations

import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.credentials.models import WalletCredential
from app.crypto import jws, sd_jwt
from app.crypto import token_status_list as tsl
from app.db import utcnow
from app.errors import AppError
from app.wallet.sd_jwt_vc import issue_sd_jwt_vc, jwk_thumbprint
from tests.audit.helpers import events
from tests.helpers import assert_problem
from tests.interop.node_verifier import run_sd_jwt_verifier
from tests.status.factories import set_bits
from tests.verification.factories import VERIFY
from tests.wallet.factories import (
    another_credential,
    holder_key,
    issued_credential,
    issuer_keys,
    key_resolver,
    path_of,
    token_status,
    wallet_copy,
)

ADMIN = "/api/v1/admin/credentials"
AUDIENCE = "https://employer.example"
NONCE = "n-0S6_WzA2Mj"
TYPS = ("dc+sd-jwt",)


def _node_item(client: TestClient, serialized: str, **extra: Any) -> dict[str, Any]:
    keys = issuer_keys(client)
    kid = jws.decode(sd_jwt.split(serialized)[0]).header["kid"]
    _, token = token_status(client, serialized, now=time.time())
    status_kid = jws.decode(token).header["kid"]
    return {
        "credential": serialized,
        "issuerJwk": keys[kid],
        "statusListToken": token,
        "statusListJwk": keys[status_kid],
        "now": int(time.time()),
        **extra,
    }


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA"])
def test_an_sd_jwt_vc_of_an_issued_credential_verifies_here_and_in_node(
    client: TestClient, app: FastAPI, db: Session, algorithm: str
) -> None:
    setup, credential = issued_credential(client, app, db)
    holder = holder_key()
    serialized = wallet_copy(app, db, credential, holder, algorithm)
    assert serialized.endswith("~")

    verified = sd_jwt.verify(
        serialized, resolve_key=key_resolver(client), accepted_typ=TYPS, key_binding=None
    )
    assert verified.header["typ"] == "dc+sd-jwt"
    assert verified.header["alg"] == algorithm
    claims = verified.claims
    code = setup.standard.code
    assert claims["iss"] == "http://testserver"
    assert claims["vct"] == f"http://testserver/vct/{code}"
    assert claims["cnf"] == {"jwk": jws.public_key_to_jwk(holder.public_key())}
    assert claims["credential_id"] == f"urn:uuid:{credential.id}"
    assert claims["achievement"]["code"] == code
    assert claims["achievement"]["version"] == str(setup.standard.version)
    assert claims["achievement"]["level"] == credential.standard.nassc_level
    assert claims["assessment_date"] == "2026-11-20"
    assert claims["name"] == "María Fernanda López"
    assert claims["score"] == 86.5
    assert claims["units"] and all(unit["code"] for unit in claims["units"])
    assert claims["evidence"][0]["name"] == "Practical assessment"
    assert claims["provider"]["country"] == "MX"
    assert claims["nbf"] <= claims["iat"]
    # Never disclosable: in the signed payload itself, not in a disclosure.
    payload = jws.decode(sd_jwt.split(serialized)[0]).payload
    for name in ("iss", "nbf", "cnf", "vct", "status"):
        assert name in payload
    assert "name" not in payload and "score" not in payload
    assert payload["_sd_alg"] == "sha-256"

    [row] = db.scalars(select(WalletCredential)).all()
    assert row.credential_id == credential.id
    assert row.format == "dc+sd-jwt"
    assert row.holder_key_thumbprint == jwk_thumbprint(claims["cnf"]["jwk"])
    assert claims["status"]["status_list"] == {
        "idx": row.token_index,
        "uri": f"http://testserver/status/tsl/{row.token_list_id}",
    }
    status, _ = token_status(client, serialized, now=time.time())
    assert status == tsl.VALID
    [event] = events(db, action="credential.wallet-issue")
    assert (event.target_type, event.target_id) == ("credential", credential.id)
    assert event.summary["after"]["holder_key_thumbprint"] == row.holder_key_thumbprint
    assert event.summary["after"]["algorithm"] == algorithm

    # The holder withholds the score and binds the presentation to the employer's nonce.
    shown = sd_jwt.present(serialized, lambda disclosure: disclosure.name != "score")
    bound = sd_jwt.bind(
        shown, private_key=holder, audience=AUDIENCE, nonce=NONCE, issued_at=int(time.time())
    )
    expectation = sd_jwt.KeyBindingExpectation(audience=AUDIENCE, nonce=NONCE, now=time.time())
    presented = sd_jwt.verify(
        bound, resolve_key=key_resolver(client), accepted_typ=TYPS, key_binding=expectation
    )
    assert "score" not in presented.claims
    assert presented.claims["name"] == "María Fernanda López"

    [node_full, node_bound] = run_sd_jwt_verifier(
        [
            _node_item(client, serialized),
            _node_item(client, bound, keyBinding={"aud": AUDIENCE, "nonce": NONCE}),
        ]
    )
    assert node_full.verified, node_full.error
    assert node_full.raw["status"] == tsl.VALID
    assert node_full.raw["vct"] == claims["vct"]
    assert node_full.raw["claims"]["score"] == 86.5
    assert node_bound.verified, node_bound.error
    assert "score" not in node_bound.raw["claims"]


def _bitstring_bits(client: TestClient, document: dict[str, Any]) -> dict[str, bool]:
    """Whether the credential's bit is set in each Bitstring Status List it names."""
    entries = document["credentialStatus"]
    bits = {}
    for entry in entries if isinstance(entries, list) else [entries]:
        published = client.get(path_of(entry["statusListCredential"]))
        assert published.status_code == 200, published.text
        encoded = published.json()["credentialSubject"]["encodedList"]
        bits[entry["statusPurpose"]] = int(entry["statusListIndex"]) in set_bits(encoded)
    return bits


def test_revoking_and_suspending_change_both_status_mechanisms_in_every_verifier(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    """One revoke or suspend changes the Bitstring Status Lists of the Open Badges credential
    and the Token Status List of every SD-JWT VC copy; our verifier (both forms) and the
    OpenWallet Foundation's status list library read the same."""
    setup, credential = issued_credential(client, app, db)
    other = another_credential(client, db, setup, name="Ana Ruiz")
    mine = wallet_copy(app, db, credential, holder_key())
    second_copy = wallet_copy(app, db, credential, holder_key(), "EdDSA")
    bystander = wallet_copy(app, db, other, holder_key())

    def statuses() -> list[int]:
        return [token_status(client, item, now=time.time())[0] for item in (mine, second_copy)]

    def outcomes() -> tuple[str, str]:
        badge = client.post(VERIFY, json={"credential": credential.document}).json()
        copy = client.post(VERIFY, json={"credential": mine}).json()
        return badge["outcome"], copy["outcome"]

    assert _bitstring_bits(client, credential.document) == {
        "revocation": False,
        "suspension": False,
    }
    assert outcomes() == ("verified", "verified")

    suspended = client.post(
        f"{ADMIN}/{credential.id}/suspend", headers=setup.staff, json={"reason": "Under review"}
    )
    assert suspended.status_code == 200, suspended.text
    assert any("/status/tsl/" in url for url in suspended.json()["lists_republished"])
    assert statuses() == [tsl.SUSPENDED, tsl.SUSPENDED]
    assert _bitstring_bits(client, credential.document) == {"revocation": False, "suspension": True}
    assert outcomes() == ("suspended", "suspended")
    assert token_status(client, bystander, now=time.time())[0] == tsl.VALID
    [node] = run_sd_jwt_verifier([_node_item(client, mine)])
    assert node.verified, node.error
    assert node.raw["status"] == tsl.SUSPENDED

    reinstated = client.post(f"{ADMIN}/{credential.id}/reinstate", headers=setup.staff)
    assert reinstated.status_code == 200, reinstated.text
    assert statuses() == [tsl.VALID, tsl.VALID]
    assert _bitstring_bits(client, credential.document) == {
        "revocation": False,
        "suspension": False,
    }

    revoked = client.post(
        f"{ADMIN}/{credential.id}/revoke", headers=setup.staff, json={"reason": "Fraud"}
    )
    assert revoked.status_code == 200, revoked.text
    assert statuses() == [tsl.INVALID, tsl.INVALID]
    assert _bitstring_bits(client, credential.document) == {"revocation": True, "suspension": False}
    assert outcomes() == ("revoked", "revoked")
    assert token_status(client, bystander, now=time.time())[0] == tsl.VALID
    node_mine, node_second = run_sd_jwt_verifier(
        [_node_item(client, mine), _node_item(client, second_copy)]
    )
    assert node_mine.raw["status"] == tsl.INVALID, node_mine.error
    assert node_second.raw["status"] == tsl.INVALID, node_second.error

    db.refresh(credential)
    with pytest.raises(AppError) as refused:
        wallet_copy(app, db, credential, holder_key())
    assert refused.value.slug == "credential-not-issuable"


def test_the_token_status_list_is_served_with_caching_headers(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, credential = issued_credential(client, app, db)
    serialized = wallet_copy(app, db, credential, holder_key())
    uri = jws.decode(sd_jwt.split(serialized)[0]).payload["status"]["status_list"]["uri"]
    response = client.get(path_of(uri), headers={"Origin": "https://wallet.example"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/statuslist+jwt"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "public, max-age=300"
    token = jws.decode(response.text)
    assert token.header["typ"] == "statuslist+jwt"
    assert token.payload["sub"] == uri
    assert token.payload["ttl"] == 300
    assert token.payload["exp"] > token.payload["iat"]
    assert token.payload["status_list"]["bits"] == 2
    again = client.get(path_of(uri), headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_unknown_lists_and_list_kinds_are_problems(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, credential = issued_credential(client, app, db)
    serialized = wallet_copy(app, db, credential, holder_key())
    uri = jws.decode(sd_jwt.split(serialized)[0]).payload["status"]["status_list"]["uri"]
    token_list = uri.rsplit("/", 1)[1]
    assert_problem(client.get(f"/status/{token_list}"), 404, "status-list-not-found")
    bitstring = credential.revocation_list_id
    assert_problem(client.get(f"/status/tsl/{bitstring}"), 404, "status-list-not-found")
    assert_problem(client.get("/status/tsl/99999"), 404, "status-list-not-found")
    assert_problem(client.get("/status/tsl/x1"), 404, "status-list-not-found")


def test_a_holder_key_with_private_members_or_another_type_is_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, credential = issued_credential(client, app, db)

    private = Ed25519PrivateKey.generate()
    leaked = {**jws.public_key_to_jwk(private.public_key()), "d": "AAAA"}
    for holder_jwk, slug in (
        (leaked, "invalid-holder-key"),
        ({"kty": "RSA", "n": "AQAB", "e": "AQAB"}, "invalid-holder-key"),
    ):
        with pytest.raises(AppError) as refused:
            issue_sd_jwt_vc(
                db,
                credential=credential,
                holder_jwk=holder_jwk,
                base_url="http://testserver",
                now=utcnow(),
                keys=app.state.key_cache,
            )
        assert refused.value.slug == slug
    with pytest.raises(AppError) as unsupported:
        issue_sd_jwt_vc(
            db,
            credential=credential,
            holder_jwk=jws.public_key_to_jwk(private.public_key()),
            algorithm="RS256",
            base_url="http://testserver",
            now=utcnow(),
            keys=app.state.key_cache,
        )
    assert unsupported.value.slug == "unsupported-algorithm"
    db.rollback()
    assert db.scalars(select(WalletCredential)).all() == []

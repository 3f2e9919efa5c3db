"""The VC Data Model 1.1 JWT encoding on the W3C VC API verifier: what the data-model
suite's enveloped-presentation tests send (a `typ: JWT` token with a `vp` claim, enveloped
as `data:application/jwt,…`, holding a `vc`-claim JWT signed ES256 by a P-256 did:key).
The employer API does not take this form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from app.crypto.multikey import (
    DID_KEY_PREFIX,
    did_key_from_public_key,
    p256_public_key_to_multibase,
)
from tests.helpers import assert_problem
from tests.vcapi.factories import VCDM_V2

VERIFY = "/credentials/verify"
VERIFY_VP = "/presentations/verify"
CHALLENGE = "123456789"
PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey


class Signer:
    """A did:key with an Ed25519 (EdDSA) or P-256 (ES256) key."""

    def __init__(self, algorithm: str) -> None:
        self.algorithm = algorithm
        self.key: PrivateKey
        if algorithm == "ES256":
            self.key = ec.generate_private_key(ec.SECP256R1())
            self.did = DID_KEY_PREFIX + p256_public_key_to_multibase(self.key.public_key())
        else:
            self.key = Ed25519PrivateKey.generate()
            self.did = did_key_from_public_key(self.key.public_key())
        self.kid = f"{self.did}#{self.did.removeprefix(DID_KEY_PREFIX)}"

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        headers = {"typ": "JWT", "kid": self.kid, **header}
        token: str = jwt.encode(claims, self.key, algorithm=self.algorithm, headers=headers)
        return token


def envelope(kind: str, token: str, media_type: str = "application/jwt") -> dict[str, Any]:
    return {"@context": VCDM_V2, "type": f"Enveloped{kind}", "id": f"data:{media_type},{token}"}


def vc_claims(issuer: Signer, **extra: Any) -> dict[str, Any]:
    credential = {
        "@context": [VCDM_V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer.did,
        "credentialSubject": {"id": "did:example:alice", "name": "Alice"},
    }
    return {"iss": issuer.did, "sub": "did:example:alice", "vc": credential, **extra}


def vp_claims(holder: Signer, held: list[Any], **extra: Any) -> dict[str, Any]:
    presentation = {
        "@context": [VCDM_V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": held,
    }
    return {"iss": holder.did, "aud": "example.com", "nonce": CHALLENGE, "vp": presentation}


def verify_vp(client: TestClient, document: Any, **options: Any) -> Any:
    options = {"challenge": CHALLENGE, **options}
    return client.post(VERIFY_VP, json={"verifiablePresentation": document, "options": options})


@pytest.fixture
def issuer() -> Signer:
    return Signer("ES256")


@pytest.fixture
def holder() -> Signer:
    return Signer("EdDSA")


def presented(issuer: Signer, holder: Signer, **vc_extra: Any) -> dict[str, Any]:
    held = envelope("VerifiableCredential", issuer.sign(vc_claims(issuer, **vc_extra)))
    return envelope("VerifiablePresentation", holder.sign(vp_claims(holder, [held])))


def test_enveloped_jwt_presentation_with_an_es256_did_key_credential_verifies(
    client: TestClient, issuer: Signer, holder: Signer
) -> None:
    response = verify_vp(client, presented(issuer, holder))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["errors"] == []
    proof = body["results"]["presentation"]["proof"][0]
    assert proof["verified"] is True
    assert proof["input"]["mediaType"] == "application/jwt"
    credential = body["results"]["credentials"][0]
    assert credential["verified"] is True
    warnings = {warning["type"].rsplit("/", 1)[-1] for warning in credential["warnings"]}
    assert "untrusted-issuer" in warnings


def test_the_envelope_rules_still_hold(client: TestClient, issuer: Signer, holder: Signer) -> None:
    good = presented(issuer, holder)
    token = good["id"].split(",", 1)[1]

    for broken in (
        {**good, "@context": []},
        {**good, "@context": ["https://www.w3.org/ns/credentials/examples/v2"]},
        {**good, "type": ["VerifiablePresentation"]},
        {**good, "id": token},
        {**good, "id": f"data:text/plain,{token}"},
    ):
        response = verify_vp(client, broken)
        assert response.status_code == 400, broken
        assert response.json()["errors"]


@pytest.mark.parametrize(
    ("options", "claims"),
    [
        ({"challenge": "another"}, {}),
        ({"domain": "verifier.example"}, {}),
        ({}, {"iss": "did:example:someone-else"}),
    ],
    ids=["nonce-is-not-the-challenge", "aud-is-not-the-domain", "iss-is-not-the-holder"],
)
def test_the_holder_jwt_must_answer_the_challenge_and_be_the_holders(
    client: TestClient,
    issuer: Signer,
    holder: Signer,
    options: dict[str, str],
    claims: dict[str, Any],
) -> None:
    held = envelope("VerifiableCredential", issuer.sign(vc_claims(issuer)))
    token = holder.sign({**vp_claims(holder, [held]), **claims})

    response = verify_vp(client, envelope("VerifiablePresentation", token), **options)

    assert response.status_code == 400, response.text
    assert response.json()["verified"] is False
    assert response.json()["errors"]


def test_a_presentation_signed_by_another_key_is_refused(
    client: TestClient, issuer: Signer, holder: Signer
) -> None:
    held = envelope("VerifiableCredential", issuer.sign(vc_claims(issuer)))
    other = Signer("EdDSA")
    forged = other.sign(vp_claims(holder, [held]), kid=holder.kid)

    response = verify_vp(client, envelope("VerifiablePresentation", forged))

    assert response.status_code == 400
    assert response.json()["errors"]


def _credential_token_cases(issuer: Signer) -> dict[str, str]:
    good = issuer.sign(vc_claims(issuer))
    header, _, signature = good.split(".")
    other_payload = issuer.sign(vc_claims(issuer, jti="urn:uuid:other")).split(".")[1]
    past = int((datetime.now(UTC) - timedelta(days=1)).timestamp())
    return {
        "payload-swapped": f"{header}.{other_payload}.{signature}",
        "signed-by-another-key": Signer("ES256").sign(vc_claims(issuer)),
        "iss-is-not-the-issuer": issuer.sign(vc_claims(issuer, iss="did:example:mallory")),
        "sub-is-not-the-subject": issuer.sign(vc_claims(issuer, sub="did:example:bob")),
        "jwt-expired": issuer.sign(vc_claims(issuer, exp=past)),
        "alg-not-the-keys": jwt.encode(
            vc_claims(issuer),
            "a shared secret, at least 32 bytes long",
            algorithm="HS256",
            headers={"typ": "JWT", "kid": issuer.kid},
        ),
        "typ-not-jwt": issuer.sign(vc_claims(issuer), typ="vc+jwt"),
        "key-in-header": issuer.sign(vc_claims(issuer), jwk={"kty": "EC"}),
    }


@pytest.mark.parametrize(
    "case",
    [
        "payload-swapped",
        "signed-by-another-key",
        "iss-is-not-the-issuer",
        "sub-is-not-the-subject",
        "jwt-expired",
        "alg-not-the-keys",
        "typ-not-jwt",
        "key-in-header",
    ],
)
def test_a_bad_credential_jwt_is_refused_alone_and_inside_a_presentation(
    client: TestClient, issuer: Signer, holder: Signer, case: str
) -> None:
    token = _credential_token_cases(issuer)[case]
    held = envelope("VerifiableCredential", token)

    alone = client.post(VERIFY, json={"verifiableCredential": held})
    assert alone.status_code == 400, (case, alone.text)
    assert alone.json()["errors"]
    inside = verify_vp(
        client, envelope("VerifiablePresentation", holder.sign(vp_claims(holder, [held])))
    )
    assert inside.status_code == 400, (case, inside.text)
    assert inside.json()["verified"] is False


def test_a_credential_jwt_verifies_on_the_vc_api_but_not_for_employers(
    client: TestClient, issuer: Signer
) -> None:
    held = envelope("VerifiableCredential", issuer.sign(vc_claims(issuer)))

    response = client.post(VERIFY, json={"verifiableCredential": held})
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True

    assert_problem(client.post("/api/v1/verify", json=held), 400, "unverifiable-input")
    vp = {
        "@context": [VCDM_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [held],
    }
    assert_problem(client.post("/api/v1/verify", json=vp), 400, "unverifiable-input")


def test_a_vc_jose_token_is_not_taken_as_application_jwt(
    client: TestClient, issuer: Signer
) -> None:
    """A `data:application/jwt,` credential holds it in its `vc` claim; the VC-JOSE payload
    (the credential itself) is not read as one."""
    plain = vc_claims(issuer)["vc"]
    token = issuer.sign(plain)

    response = client.post(
        VERIFY, json={"verifiableCredential": envelope("VerifiableCredential", token)}
    )

    assert_problem(response, 400, "unverifiable-input")
    assert response.json()["errors"]

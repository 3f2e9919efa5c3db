"""`/credentials/verify` and `/presentations/verify` for any conforming credential: what the
W3C vc-di-eddsa and vc-data-model-2.0 suites require of a verifier, as our own tests. The
employer API stays strict: a did:key credential there is `unknown-issuer`."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.crypto.data_integrity import add_proof, create_proof
from tests.helpers import assert_problem
from tests.vcapi.factories import (
    EXAMPLES_V2,
    VCDM_V1,
    VCDM_V2,
    DidKey,
    credential,
    issued,
    issuing,
)

VERIFY = "/credentials/verify"
VERIFY_VP = "/presentations/verify"
CREATED = datetime(2026, 1, 1, tzinfo=UTC)
PROOF_ERROR = "https://w3id.org/security#PROOF_VERIFICATION_ERROR"


def _verify(client: TestClient, document: Any, **options: Any) -> Any:
    return client.post(VERIFY, json={"verifiableCredential": document, "options": options})


def _error_types(response: Any) -> list[str]:
    return [error["type"] for error in response.json()["errors"]]


def test_did_key_credential_verifies_with_a_trust_warning_but_not_for_employers(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    signed = issued(client, setup, credential(setup.key_did))

    response = _verify(client, signed)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["errors"] == body["problemDetails"] == []
    warnings = {warning["type"] for warning in body["warnings"]}
    assert warnings == {
        "https://nassc.org/problems/verification/untrusted-issuer",
        "https://nassc.org/problems/verification/nonconformant",
    }, "a plain VC is not Open Badges 3.0: said as a warning of its own type"

    strict = client.post("/api/v1/verify", json=signed)
    assert strict.status_code == 200
    assert strict.json()["verified"] is False
    assert strict.json()["outcome"] == "unknown-issuer"


def test_enveloped_vc_jwt_from_a_did_key_verifies(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    enveloped = issued(
        client, setup, credential(setup.key_did), securingMechanism="EnvelopingProof"
    )

    assert _verify(client, enveloped).status_code == 200
    changes: list[dict[str, Any]] = [
        {"@context": []},
        {"@context": EXAMPLES_V2},
        {"type": "VerifiableCredential"},
    ]
    for change in changes:
        broken = {**enveloped, **change}
        assert _verify(client, broken).status_code == 400
    bare = {**enveloped, "id": enveloped["id"].split(",", 1)[1]}
    problem = assert_problem(_verify(client, bare), 400, "unverifiable-input")
    assert problem["errors"]


def test_tampered_or_wrong_proof_is_400_with_errors(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    signed = issued(client, setup, credential(setup.key_did))

    for path, value in (
        (("credentialSubject", "id"), "did:example:someone-else"),
        (("proof", "cryptosuite"), "eddsa-2022"),
        (("proof", "proofPurpose"), "authentication"),
        (("proof", "created"), "yesterday"),
        (("proof", "proofValue"), "not-multibase"),
    ):
        broken = copy.deepcopy(signed)
        broken[path[0]][path[1]] = value
        response = _verify(client, broken)
        assert response.status_code == 400, path
        assert response.json()["verified"] is False
        assert response.json()["errors"], path
    undefined = copy.deepcopy(signed)
    undefined["credentialSubject"]["undefinedTerm"] = "IfDroppedWillVerify"
    assert _verify(client, undefined).status_code == 400
    null_vocabulary = {**signed, "@context": [VCDM_V2, {"@vocab": None}]}
    assert _verify(client, null_vocabulary).status_code == 400


def test_vc_1_1_credential_verifies(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing(client, app, db)
    document = credential(setup.key_did)
    document["@context"] = [VCDM_V1]

    assert _verify(client, issued(client, setup, document)).status_code == 200


def test_proof_sets_and_chains(client: TestClient, app: FastAPI, db: Session) -> None:
    contexts = app.state.contexts
    issuer, witness = DidKey(), DidKey()
    document = credential(issuer.did, id="urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33")
    first = witness.sign(document, contexts, id="urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544")
    second = issuer.sign(document, contexts, id="urn:uuid:second")

    assert _verify(client, {**document, "proof": [first, second]}).status_code == 200
    chained = create_proof(
        {**document, "proof": first},
        {**{k: v for k, v in second.items() if k not in ("proofValue", "id")}},
        private_key=issuer.private_key,
        contexts=contexts,
    )
    chained["previousProof"] = first["id"]
    # The chained proof signed the previous one: re-sign with previousProof in its options.
    chained = create_proof(
        {**document, "proof": first},
        {k: v for k, v in chained.items() if k != "proofValue"},
        private_key=issuer.private_key,
        contexts=contexts,
    )
    assert _verify(client, {**document, "proof": [first, chained]}).status_code == 200
    as_list = {**chained, "previousProof": [first["id"]]}
    as_list = create_proof(
        {**document, "proof": first},
        {k: v for k, v in as_list.items() if k != "proofValue"},
        private_key=issuer.private_key,
        contexts=contexts,
    )
    assert _verify(client, {**document, "proof": [first, as_list]}).status_code == 200

    missing = _verify(client, {**document, "proof": [chained]})
    assert missing.status_code == 400
    broken_first = {**first, "proofValue": second["proofValue"]}
    assert _verify(client, {**document, "proof": [broken_first, chained]}).status_code == 400
    only_witness = _verify(client, {**document, "proof": [first]})
    assert only_witness.status_code == 400


def test_credential_challenge_and_domain_are_enforced(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    key = DidKey()
    document = credential(key.did)
    proof = key.sign(document, app.state.contexts, challenge="1235abcd6789", domain="a.example")
    signed = {**document, "proof": proof}

    assert _verify(client, signed, challenge="1235abcd6789", domain="a.example").status_code == 200
    wrong = _verify(client, signed, challenge="1235abcd6789", domain="domain.example")
    assert wrong.status_code == 400
    assert _verify(client, signed, challenge="other").status_code == 400


def test_default_issuer_adds_real_bitstring_status_entries(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    signed = issued(
        client,
        setup,
        credential(setup.web_did),
        at="/credentials/issue",
        statusPurpose=["revocation", "suspension"],
    )

    revocation, suspension = signed["credentialStatus"]
    assert (revocation["statusPurpose"], suspension["statusPurpose"]) == (
        "revocation",
        "suspension",
    )
    for entry in (revocation, suspension):
        assert entry["type"] == "BitstringStatusListEntry"
        assert entry["statusListIndex"].isdigit()
        listed = client.get(entry["statusListCredential"].removeprefix("http://testserver"))
        assert listed.status_code == 200
        assert "BitstringStatusListCredential" in listed.json()["type"]
    result = _verify(client, signed)
    assert result.status_code == 200, result.text
    assert [item["value"] for item in result.json()["results"]["credentialStatus"]] == [0, 0]
    assert_problem(
        client.post(
            setup.instance_issue,
            headers=setup.headers,
            json={
                "credential": credential(setup.key_did),
                "options": {"statusPurpose": "revocation"},
            },
        ),
        422,
        "status-unavailable",
    )


@pytest.mark.parametrize("challenge", ["d436f0c8", "wrong"])
def test_presentation_by_a_did_key_holder(
    client: TestClient, app: FastAPI, db: Session, challenge: str
) -> None:
    contexts = app.state.contexts
    holder = DidKey()
    document = credential(holder.did, credentialSubject={"id": "did:example:alice", "name": "A"})
    document["@context"] = [VCDM_V2, EXAMPLES_V2]
    held = {**document, "proof": holder.sign(document, contexts)}
    presentation = {
        "@context": [VCDM_V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [held],
    }
    signed = add_proof(
        presentation,
        private_key=holder.private_key,
        verification_method=holder.method,
        created=CREATED,
        contexts=contexts,
        proof_purpose="authentication",
    )
    signed["proof"]["challenge"] = "d436f0c8"
    signed["proof"]["domain"] = "verifier.example"
    proof = create_proof(
        presentation,
        {k: v for k, v in signed["proof"].items() if k != "proofValue"},
        private_key=holder.private_key,
        contexts=contexts,
    )
    body = {
        "verifiablePresentation": {**presentation, "proof": proof},
        "options": {"challenge": challenge, "domain": "verifier.example"},
    }
    response = client.post(VERIFY_VP, json=body)

    if challenge == "wrong":
        assert response.status_code == 400
        assert response.json()["errors"]
        return
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True
    empty = {**presentation, "verifiableCredential": []}
    assert client.post(VERIFY_VP, json={"verifiablePresentation": empty}).status_code == 400


def _vp_jwt(holder: DidKey, payload: dict[str, Any], **header: Any) -> str:
    headers = {"typ": "vp+jwt", "kid": holder.method, **header}
    token: str = jwt.encode(payload, holder.private_key, algorithm="EdDSA", headers=headers)
    return token


def test_enveloped_vp_jwt_by_a_did_key_holder(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    held = issued(client, setup, credential(setup.key_did), securingMechanism="EnvelopingProof")
    holder = DidKey()
    presentation = {
        "@context": [VCDM_V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [held],
    }
    options = {"challenge": "n-0123", "domain": "verifier.example"}

    def envelope(token: str, media_type: str = "application/vp+jwt") -> dict[str, Any]:
        return {
            "@context": VCDM_V2,
            "type": "EnvelopedVerifiablePresentation",
            "id": f"data:{media_type},{token}",
        }

    def verify_vp(document: dict[str, Any]) -> Any:
        return client.post(VERIFY_VP, json={"verifiablePresentation": document, "options": options})

    claims = {**presentation, "nonce": "n-0123", "aud": "verifier.example"}
    good = verify_vp(envelope(_vp_jwt(holder, claims)))
    assert good.status_code == 200, good.text
    assert good.json()["results"]["presentation"]["proof"][0]["input"]["mediaType"] == (
        "application/vp+jwt"
    )

    wrong_nonce = verify_vp(envelope(_vp_jwt(holder, {**claims, "nonce": "other"})))
    assert wrong_nonce.status_code == 400
    assert wrong_nonce.json()["errors"]
    old_style = {"vp": presentation, "nonce": "n-0123", "aud": "verifier.example"}
    assert verify_vp(envelope(_vp_jwt(holder, old_style, typ="JWT"))).status_code == 400
    other_signer = _vp_jwt(DidKey(), claims)
    assert verify_vp(envelope(other_signer)).status_code == 400
    assert verify_vp(envelope(_vp_jwt(holder, claims), "application/jwt")).status_code == 400
    assert verify_vp({**envelope(_vp_jwt(holder, claims)), "@context": []}).status_code == 400


def test_deeply_nested_documents_are_refused_not_a_server_error(client: TestClient) -> None:
    key = DidKey()
    document = credential(key.did, credentialSubject={"d": json.loads("[" * 300 + "]" * 300)})
    document["proof"] = {"type": "DataIntegrityProof", "verificationMethod": key.method}
    vp = {
        "@context": [VCDM_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [document],
    }

    assert_problem(_verify(client, document), 400, "unverifiable-input")
    response = client.post(VERIFY_VP, json={"verifiablePresentation": vp})
    assert_problem(response, 400, "unverifiable-input")
    assert_problem(client.post("/api/v1/verify", json=document), 400, "unverifiable-input")

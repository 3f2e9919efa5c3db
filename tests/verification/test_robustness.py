"""Hostile values anywhere in a credential give an answer or a problem, never a 500."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.verification.factories import VERIFY, issued_credential, resigned, unsigned

ODD_VALUES: list[Any] = [None, 7, True, [], {}, [None], {"id": []}, "x" * 300, -1, 1.5]


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


PATHS: list[tuple[Any, ...]] = [
    ("issuer",),
    ("issuer", "id"),
    ("validFrom",),
    ("validUntil",),
    ("credentialStatus",),
    ("credentialStatus", 0, "statusPurpose"),
    ("credentialStatus", 0, "statusListIndex"),
    ("credentialStatus", 0, "statusListCredential"),
    ("credentialStatus", 0, "statusSize"),
    ("credentialStatus", 1, "type"),
    ("credentialSubject",),
    ("credentialSubject", "identifier"),
    ("credentialSubject", "achievement"),
    ("credentialSubject", "achievement", "version"),
    ("type",),
]


def test_odd_values_in_a_signed_credential(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    for path in PATHS:
        for value in ODD_VALUES:
            document = unsigned(issued["credential"])
            _set(path, value)(document)
            token = resigned(app, db, document, "jwt")
            response = client.post(VERIFY, json={"credential": token})
            assert response.status_code in (200, 400, 422), (path, value, response.text)
            # Without status entries (null or []) the issuer signed a credential it cannot
            # revoke: that verifies. Odd values elsewhere must not.
            acceptable = (
                (path == ("credentialStatus",) and value in (None, []))
                # a purpose other than revocation/suspension is ignored, as the spec allows
                or (path[-1] == "statusPurpose" and isinstance(value, str))
                # OB 3.0 makes the achievement's version optional
                or path[-1] == "version"
            )
            if response.status_code == 200 and not acceptable:
                assert response.json()["verified"] is False, (path, value)


def test_odd_proofs(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    for key in ("type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"):
        for value in ODD_VALUES:
            credential = copy.deepcopy(issued["credential"])
            credential["proof"][key] = value
            response = client.post(VERIFY, json={"credential": credential})
            assert response.status_code == 200, (key, value, response.text)
            assert response.json()["outcome"] in ("invalid", "tampered", "wrong-key"), (key, value)
    for proof in ("z123", 5, [], [issued["credential"]["proof"], "z123"]):
        credential = {**issued["credential"], "proof": proof}
        body = client.post(VERIFY, json={"credential": credential}).json()
        assert body["outcome"] == "invalid"
    # A proof set is verified when every proof in it is.
    credential = {**issued["credential"], "proof": [issued["credential"]["proof"]] * 2}
    body = client.post(VERIFY, json={"credential": credential}).json()
    assert body["outcome"] == "verified"


def test_odd_presentations(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    di_proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    proofs: list[Any] = [None, [], "x", {**di_proof, "verificationMethod": 7}, {**di_proof}]
    for holder in ODD_VALUES:
        for proof in proofs:
            presentation: dict[str, Any] = {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiablePresentation"],
                "verifiableCredential": issued["jwt"],
                "holder": holder,
            }
            if proof is not None:
                presentation["proof"] = proof
            response = client.post(VERIFY, json={"presentation": presentation})
            assert response.status_code == 200, (holder, proof, response.text)
            body = response.json()
            assert [item["outcome"] for item in body["credentials"]] == ["verified"]

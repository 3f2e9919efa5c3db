"""Data Integrity attacks over HTTP (issue 12): a proof moved from another document, a
swapped verification method, remote and redefining contexts, and 100,000 blank nodes.
The cryptosuite's own tamper tests are in tests/crypto/test_data_integrity.py."""

from __future__ import annotations

import copy
import time
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.verification.factories import (
    ForeignIssuer,
    issue,
    issued_credential,
    statuses,
    unsigned,
)

VERIFY = "/api/v1/verify"


def _outcome(client: TestClient, credential: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = client.post(VERIFY, json={"credential": credential})
    assert response.status_code < 500, response.text
    body: dict[str, Any] = response.json()
    return response.status_code, body


def _refused(status: int, body: dict[str, Any]) -> bool:
    """Not verified: a 200 answer with `verified: false`, or a 4xx problem."""
    return (status == 200 and body["verified"] is False) or 400 <= status < 500


def test_proof_and_method_attacks_are_not_verified(
    client: TestClient, app: FastAPI, db: Session, no_network: list[Any]
) -> None:
    setup, first = issued_credential(client, app, db)
    second = issue(client, setup, name="Jean Tremblay")["credential"]
    first = first["credential"]

    moved = copy.deepcopy(second)
    moved["proof"] = copy.deepcopy(first["proof"])
    status, body = _outcome(client, moved)
    assert status == 200 and body["verified"] is False
    assert statuses(body)["proof"] == "failed"

    attacker = ForeignIssuer("attacker.example")
    swapped = copy.deepcopy(first)
    swapped["proof"]["verificationMethod"] = attacker.method
    status, body = _outcome(client, swapped)
    assert status == 200 and body["verified"] is False

    resigned = attacker.sign(unsigned(first), "di", app.state.contexts)
    assert isinstance(resigned, dict)
    resigned["proof"]["verificationMethod"] = first["proof"]["verificationMethod"]
    assert _refused(*_outcome(client, resigned))

    remote = copy.deepcopy(first)
    remote["@context"] = [*remote["@context"], "https://attacker.example/context.jsonld"]
    assert _refused(*_outcome(client, remote))

    redefining = copy.deepcopy(first)
    redefining["@context"] = [
        *redefining["@context"],
        {"name": "https://attacker.example/name", "VerifiableCredential": "https://a.example/VC"},
    ]
    assert _refused(*_outcome(client, redefining))
    assert no_network == []


def test_a_hundred_thousand_blank_nodes_are_refused_quickly(client: TestClient) -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:testserver",
        "credentialSubject": {"type": ["Thing"], "hasPart": [{}] * 100_000},
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"},
    }
    started = time.monotonic()
    response = client.post(VERIFY, json={"credential": credential})
    assert time.monotonic() - started < 5
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"

"""The W3C VC API verifier endpoints: request and response shapes, and their status codes.

Both answer 400 with the same result body, and a non-empty `errors`, when a credential or
presentation does not verify (as the W3C VC API test suites expect).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.helpers import assert_problem
from tests.verification.factories import FORMS, enveloped, form_of, issued_credential, presentation

CREDENTIALS_VERIFY = "/credentials/verify"
PRESENTATIONS_VERIFY = "/presentations/verify"
RESULT_KEYS = {"verified", "errors", "warnings", "problemDetails", "results"}


@pytest.mark.parametrize("form", FORMS)
def test_valid_credential_is_200_with_results(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    _, issued = issued_credential(client, app, db)
    response = client.post(CREDENTIALS_VERIFY, json={"verifiableCredential": form_of(issued, form)})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == RESULT_KEYS
    assert body["verified"] is True
    assert body["problemDetails"] == body["errors"] == body["warnings"] == []
    results = body["results"]
    assert results["validFrom"] == {"verified": True, "input": issued["credential"]["validFrom"]}
    assert results["validUntil"] == {"verified": True, "input": issued["credential"]["validUntil"]}
    [proof] = results["proof"]
    assert proof["verified"] is True
    if form == "di":
        assert proof["input"] == issued["credential"]["proof"]
    else:
        assert proof["input"]["mediaType"] == "application/vc+jwt"
    assert [entry["input"]["statusPurpose"] for entry in results["credentialStatus"]] == [
        "revocation",
        "suspension",
    ]
    assert all(
        entry == {**entry, "value": 0, "verified": True} for entry in results["credentialStatus"]
    )


def test_tampered_credential_is_400_with_the_same_shape(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    tampered = json.loads(json.dumps(issued["credential"]))
    tampered["name"] = "Forged"
    response = client.post(CREDENTIALS_VERIFY, json={"verifiableCredential": tampered})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == RESULT_KEYS
    assert body["verified"] is False
    assert body["errors"] == body["problemDetails"]
    types = [problem["type"] for problem in body["problemDetails"]]
    assert "https://w3id.org/security#PROOF_VERIFICATION_ERROR" in types
    for problem in body["problemDetails"]:
        assert problem["type"] and problem["title"] and problem["detail"]
    assert body["results"]["proof"][0]["verified"] is False


def test_revoked_credential_reports_the_status_bit(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    revoke = f"/api/v1/admin/credentials/{issued['id']}/revoke"
    assert client.post(revoke, headers=setup.staff, json={"reason": "error"}).status_code == 200

    response = client.post(CREDENTIALS_VERIFY, json={"verifiableCredential": issued["jwt"]})
    assert response.status_code == 400
    body = response.json()
    revocation, suspension = body["results"]["credentialStatus"]
    assert (revocation["value"], revocation["verified"]) == (1, False)
    assert (suspension["value"], suspension["verified"]) == (0, True)
    assert [p["title"] for p in body["problemDetails"]] == ["The credential has been revoked"]


def test_enveloped_credential_and_options(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    credential = enveloped(issued["jwt"])
    response = client.post(
        CREDENTIALS_VERIFY,
        json={
            "verifiableCredential": credential,
            # Older CCG drafts sent `checks`; unknown options are ignored.
            "options": {"returnCredential": True, "checks": ["proof"]},
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["credential"] == credential


@pytest.mark.parametrize(
    ("body", "status", "slug"),
    [
        ({"verifiableCredential": 42}, 422, "validation-error"),
        ({"verifiableCredential": {"type": "Foo"}}, 400, "unverifiable-input"),
        ({"verifiableCredential": "x.y.z"}, 400, "unverifiable-input"),
        ({}, 422, "validation-error"),
    ],
)
def test_malformed_credential_request_is_a_problem(
    client: TestClient, body: dict[str, Any], status: int, slug: str
) -> None:
    problem = assert_problem(client.post(CREDENTIALS_VERIFY, json=body), status, slug)
    if status == 400:  # not a credential at all: still the VC API's errors list
        assert problem["verified"] is False
        assert [error["type"] for error in problem["errors"]] == [problem["type"]]


def test_non_json_request_is_415(client: TestClient) -> None:
    response = client.post(CREDENTIALS_VERIFY, content=b"x", headers={"Content-Type": "text/plain"})
    assert_problem(response, 415, "unsupported-media-type")


def test_presentation_verify_shapes(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    vp = presentation(issued["credential"], enveloped(issued["jwt"]))

    response = client.post(
        PRESENTATIONS_VERIFY,
        json={"verifiablePresentation": vp, "options": {"returnPresentation": True}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["verifiablePresentation"] == vp
    assert body["problemDetails"] == []
    credentials = body["results"]["credentials"]
    assert len(credentials) == 2
    assert [item["verified"] for item in credentials] == [True, True]
    assert credentials[0]["credential"] == issued["credential"]
    assert body["results"]["presentation"] == {"proof": []}


def test_presentation_that_does_not_verify_is_400_with_errors(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    tampered = json.loads(json.dumps(issued["credential"]))
    tampered["validUntil"] = "2099-01-01T00:00:00Z"
    response = client.post(
        PRESENTATIONS_VERIFY,
        json={"verifiablePresentation": presentation(tampered), "options": {"challenge": "abc"}},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["verified"] is False
    assert body["errors"]
    [credential] = body["results"]["credentials"]
    assert credential["verified"] is False
    assert credential["problemDetails"]
    # A challenge was asked for, and there is no holder proof to carry it.
    assert body["results"]["presentation"]["challenge"] == {"verified": False, "input": "abc"}


def test_challenge_without_holder_proof_fails(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    response = client.post(
        PRESENTATIONS_VERIFY,
        json={
            "verifiablePresentation": presentation(issued["credential"]),
            "options": {"challenge": "d436f0c8", "domain": "employer.example"},
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["verified"] is False
    assert body["results"]["credentials"][0]["verified"] is True
    assert [p["type"] for p in body["problemDetails"]] == [
        "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
    ]


def test_malformed_presentation_request_is_a_problem(client: TestClient) -> None:
    response = client.post(
        PRESENTATIONS_VERIFY, json={"verifiablePresentation": {"type": "VerifiableCredential"}}
    )
    problem = assert_problem(response, 400, "unverifiable-input")
    assert problem["errors"][0]["type"] == problem["type"]

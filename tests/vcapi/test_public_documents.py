"""The documents verifiers read answer any origin and HEAD; the DID document lists the
signing keys under assertionMethod only."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.vcapi.factories import credential, issued, issuing


def _status_list_path(client: TestClient, app: FastAPI, db: Session) -> str:
    setup = issuing(client, app, db)
    signed = issued(
        client,
        setup,
        credential(setup.web_did),
        at="/credentials/issue",
        statusPurpose="revocation",
    )
    url: str = signed["credentialStatus"]["statusListCredential"]
    return url.removeprefix("http://testserver")


@pytest.mark.parametrize(
    "path", ["/.well-known/did.json", "/.well-known/jwks.json", "/issuer", "status"]
)
def test_public_documents_answer_any_origin_get_and_head(
    client: TestClient, app: FastAPI, db: Session, path: str
) -> None:
    if path == "status":
        path = _status_list_path(client, app, db)
    else:
        issuing(client, app, db)
    got = client.get(path, headers={"Origin": "https://verifier.example"})
    head = client.head(path, headers={"Origin": "https://verifier.example"})

    assert got.status_code == head.status_code == 200
    assert got.headers["access-control-allow-origin"] == "*"
    assert head.headers["access-control-allow-origin"] == "*"
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


def test_preflight_allows_get_and_head(client: TestClient) -> None:
    response = client.options(
        "/.well-known/did.json",
        headers={"Origin": "https://verifier.example", "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {
        "GET",
        "HEAD",
        "OPTIONS",
    }


def test_other_routes_get_no_cors_header(client: TestClient) -> None:
    response = client.get("/healthz", headers={"Origin": "https://verifier.example"})

    assert "access-control-allow-origin" not in response.headers


def test_signing_keys_are_only_assertion_methods(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    issuing(client, app, db)
    document = client.get("/.well-known/did.json").json()

    assert document["assertionMethod"] == [
        method["id"] for method in document["verificationMethod"]
    ]
    assert "authentication" not in document

"""The input forms and media types of POST /api/v1/verify; garbage is a problem, not a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.verification.models import VerificationEvent
from tests.helpers import assert_problem
from tests.verification.factories import VERIFY, issued_credential

GARBAGE: list[tuple[str, bytes, int, str]] = [
    ("application/json", b'{"credential": 42}', 400, "unverifiable-input"),
    ("application/json", b'{"credential": "not a jwt"}', 400, "unverifiable-input"),
    ("application/json", b'{"credential": {"hello": "world"}}', 400, "unverifiable-input"),
    ("application/json", b'{"credential": {"type": "Nope"}}', 400, "unverifiable-input"),
    ("application/json", b"[1, 2, 3]", 400, "unverifiable-input"),
    ("application/json", b'"just a string"', 400, "unverifiable-input"),
    ("application/json", b'{"credential": {}, "presentation": {}}', 400, "unverifiable-input"),
    (
        "application/json",
        b'{"presentation": {"type": "VerifiableCredential"}}',
        400,
        "unverifiable-input",
    ),
    ("application/json", b'{"credential": ', 400, "malformed-json"),
    ("application/json", b"", 400, "malformed-json"),
    ("application/json", b"\xff\xfe", 400, "malformed-json"),
    ("application/vc+jwt", b"a.b.c", 400, "unverifiable-input"),
    ("application/vc+jwt", b"eyJ.only-two", 400, "unverifiable-input"),
    ("application/vc+jwt", "ñ.ñ.ñ".encode(), 400, "unverifiable-input"),
    ("application/vc", b"{}", 400, "unverifiable-input"),
    ("application/vc", b"not json", 400, "malformed-json"),
    (
        "application/vp",
        b'{"type": "VerifiablePresentation", "verifiableCredential": [7]}',
        400,
        "unverifiable-input",
    ),
    ("text/plain", b"hello", 415, "unsupported-media-type"),
    ("application/vp+jwt", b"a.b.c", 415, "unsupported-media-type"),
    ("application/x-www-form-urlencoded", b"credential=x", 415, "unsupported-media-type"),
]


@pytest.mark.parametrize(("content_type", "body", "status", "slug"), GARBAGE)
def test_garbage_is_a_problem_and_records_nothing(
    client: TestClient, db: Session, content_type: str, body: bytes, status: int, slug: str
) -> None:
    response = client.post(VERIFY, content=body, headers={"Content-Type": content_type})
    assert_problem(response, status, slug)
    assert db.scalar(select(func.count()).select_from(VerificationEvent)) == 0


def test_unsupported_media_type_lists_the_accepted_ones(client: TestClient) -> None:
    response = client.post(VERIFY, content=b"x", headers={"Content-Type": "text/csv"})
    body = assert_problem(response, 415, "unsupported-media-type")
    assert "application/vc+jwt" in body["accepted"]


def test_presentation_with_too_many_credentials_is_refused(client: TestClient) -> None:
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": ["a.b.c"] * 11,
    }
    response = client.post(VERIFY, json={"presentation": presentation})
    assert_problem(response, 422, "presentation-too-large")


def test_oversized_body_is_413(client: TestClient, app: FastAPI) -> None:
    limit = app.state.settings.max_body_bytes
    response = client.post(
        VERIFY, content=b"a" * (limit + 1), headers={"Content-Type": "application/vc+jwt"}
    )
    assert_problem(response, 413, "payload-too-large")


@pytest.mark.parametrize(
    ("content_type", "wrap"),
    [
        ("application/vc+jwt", lambda issued: issued["jwt"].encode()),
        ("application/vc", lambda issued: json.dumps(issued["credential"]).encode()),
        ("application/ld+json", lambda issued: json.dumps(issued["credential"]).encode()),
        ("application/json", lambda issued: json.dumps({"credential": issued["jwt"]}).encode()),
        (
            "application/json",
            lambda issued: json.dumps({"verifiableCredential": issued["credential"]}).encode(),
        ),
        (
            "application/json",
            lambda issued: json.dumps(
                {
                    "credential": {
                        "@context": ["https://www.w3.org/ns/credentials/v2"],
                        "type": "EnvelopedVerifiableCredential",
                        "id": "data:application/vc+jwt," + issued["jwt"],
                    }
                }
            ).encode(),
        ),
        (
            "application/json; charset=utf-8",
            lambda issued: json.dumps(issued["credential"]).encode(),
        ),
    ],
)
def test_every_accepted_form_verifies(
    client: TestClient, app: FastAPI, db: Session, content_type: str, wrap: Any
) -> None:
    _, issued = issued_credential(client, app, db)
    response = client.post(VERIFY, content=wrap(issued), headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["outcome"] == "verified"


def test_oversized_credential_is_refused_before_canonicalization(client: TestClient) -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:testserver",
        "padding": ["x" * 1000] * 300,
    }
    response = client.post(VERIFY, json={"credential": credential})
    body = assert_problem(response, 422, "document-too-large")
    assert body["max_bytes"] == 256 * 1024

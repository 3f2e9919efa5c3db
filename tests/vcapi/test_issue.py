"""`POST /credentials/issue` and `/instances/{id}/credentials/issue`: what the W3C
vc-data-model-2.0, vc-di-eddsa and bitstring suites require of an issuer, as our own tests."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.crypto.data_integrity import verify_proof
from app.crypto.multikey import public_key_from_did_key
from tests.helpers import assert_problem
from tests.vcapi.factories import (
    EXAMPLES_V2,
    ISSUE,
    VCDM_V1,
    VCDM_V2,
    credential,
    issue,
    issued,
    issuing,
)

SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
MULTIBASE = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"


def _jwt_part(token: str, index: int) -> dict[str, Any]:
    segment = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return decoded


def test_instance_signs_with_eddsa_rdfc_2022_by_its_did_key(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    issuer = {"id": setup.key_did, "name": "Conformance", "description": "A test issuer"}
    signed = issued(
        client, setup, credential(issuer, id="urn:uuid:5b9c3f0e-7f0a-4a53-9b1f-1f2d3c4b5a69")
    )

    assert signed["issuer"] == issuer  # the object form is kept
    proof = signed["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert (
        proof["verificationMethod"] == f"{setup.key_did}#{setup.key_did.removeprefix('did:key:')}"
    )
    result = verify_proof(
        signed, public_key=public_key_from_did_key(setup.key_did), contexts=app.state.contexts
    )
    assert result.verified, result.problems


def test_default_issuer_is_the_nassc_did_web(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing(client, app, db)
    signed = issued(client, setup, credential(setup.web_did), at=ISSUE)

    assert signed["proof"]["verificationMethod"].startswith(setup.web_did + "#")
    assert_problem(
        issue(client, setup, credential(setup.key_did), at=ISSUE), 422, "issuer-mismatch"
    )


def test_vc_1_1_input_gets_its_issuance_date_and_the_data_integrity_context(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    document = credential(setup.key_did)
    document["@context"] = [VCDM_V1]
    signed = issued(client, setup, document)

    assert signed["@context"] == [VCDM_V1, "https://w3id.org/security/data-integrity/v2"]
    assert signed["issuanceDate"].endswith("Z")
    key = public_key_from_did_key(setup.key_did)
    assert verify_proof(signed, public_key=key, contexts=app.state.contexts).verified


def test_enveloping_proof_gives_an_enveloped_vc_jwt(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    document = credential(setup.key_did, id="urn:uuid:0c3e0d4e-52a6-4b0e-9a59-1b6a0c0de001")
    enveloped = issued(client, setup, document, securingMechanism="EnvelopingProof")

    assert enveloped["@context"] == VCDM_V2
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    prefix = "data:application/vc+jwt,"
    assert enveloped["id"].startswith(prefix)
    token = enveloped["id"].removeprefix(prefix)
    header, payload = _jwt_part(token, 0), _jwt_part(token, 1)
    assert header["typ"] == "vc+jwt"
    assert header["kid"].startswith(setup.key_did + "#")
    assert {key: payload[key] for key in document} == document


@pytest.mark.parametrize(
    ("change", "slug"),
    [
        ({"@context": []}, "invalid-credential-context"),
        ({"@context": [EXAMPLES_V2]}, "invalid-credential-context"),
        (
            {"@context": [VCDM_V2, "https ://not-a-url/contexts/example/v1"]},
            "invalid-credential-context",
        ),
        ({"@context": [VCDM_V2, 123192875]}, "invalid-credential-context"),
        ({"type": ["ExampleCredential"]}, "invalid-credential-type"),
        ({"type": None}, "invalid-credential-type"),
        ({"credentialSubject": None}, "invalid-credential-subject"),
        ({"credentialSubject": {}}, "invalid-credential-subject"),
        ({"credentialSubject": [{"id": "did:example:a"}, {}]}, "invalid-credential-subject"),
        ({"id": None}, "invalid-identifier"),
        ({"id": "not a url"}, "invalid-identifier"),
        ({"id": ["urn:uuid:1", "urn:uuid:2"]}, "invalid-identifier"),
        ({"issuer": None}, "invalid-issuer"),
        ({"issuer": {}}, "invalid-issuer"),
        ({"issuer": {"id": None}}, "invalid-issuer"),
        ({"issuer": "not-a-url"}, "invalid-issuer"),
        ({"issuer": "did:example:someone-else"}, "issuer-mismatch"),
        ({"validFrom": "Sat, 25 Feb 2023 07:16:31 PM CST"}, "invalid-validity-period"),
        ({"validUntil": "2025-01-01"}, "invalid-validity-period"),
        (
            {"validFrom": "2025-01-02T00:00:00Z", "validUntil": "2025-01-01T00:00:00Z"},
            "invalid-validity-period",
        ),
        (
            {"name": {"@value": "Example", "@language": "en", "url": "x:y"}},
            "invalid-language-value",
        ),
        ({"credentialStatus": {"id": "https://example.org/status/1"}}, "invalid-typed-entry"),
        ({"credentialStatus": {"id": "not a url", "type": "X"}}, "invalid-identifier"),
        (
            # The bitstring suite's MALFORMED_VALUE_ERROR fixture, as a status entry.
            {
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": True,
                    "statusListCredential": "https://example.com/status/1",
                }
            },
            "invalid-typed-entry",
        ),
        (
            {
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusListIndex": "12",
                    "statusListCredential": "https://example.com/status/1",
                }
            },
            "invalid-typed-entry",
        ),
        ({"credentialSchema": {"type": "JsonSchema"}}, "invalid-identifier"),
        ({"credentialSchema": {"id": "https://example.org/schema"}}, "invalid-typed-entry"),
        ({"refreshService": {"id": "https://example.org/refresh"}}, "invalid-typed-entry"),
        ({"evidence": {}}, "invalid-typed-entry"),
        ({"termsOfUse": {"id": "https://example.org/terms"}}, "invalid-typed-entry"),
        ({"relatedResource": ["https://www.w3.org/ns/credentials/v2"]}, "invalid-related-resource"),
        ({"relatedResource": [{"digestSRI": SRI}]}, "invalid-related-resource"),
        ({"relatedResource": [{"id": VCDM_V2}]}, "invalid-related-resource"),
        (
            {
                "relatedResource": [
                    {"id": VCDM_V2, "digestSRI": SRI},
                    {"id": VCDM_V2, "digestSRI": SRI},
                ]
            },
            "invalid-related-resource",
        ),
        (
            {"relatedResource": [{"id": VCDM_V2, "digestSRI": "md5-abc"}]},
            "invalid-related-resource",
        ),
        (
            {"relatedResource": [{"id": VCDM_V2, "digestMultibase": "xyz"}]},
            "invalid-related-resource",
        ),
        ({"undefinedTerm": "would be dropped"}, "invalid-json-ld"),
        ({"type": ["VerifiableCredential", "UndefinedType"]}, "invalid-json-ld"),
        (
            {"@context": [VCDM_V2, {"VerifiableCredential": "https://example.org/#Bad"}]},
            "invalid-json-ld",
        ),
        ({"@context": [VCDM_V2, "https://example.org/unknown-context"]}, "invalid-json-ld"),
        (
            # pyld raises KeyError on this one (the suite's credential-type-unmapped-fail)
            {"@context": [VCDM_V2, {"@vocab": None}], "type": ["VerifiableCredential", "X"]},
            "invalid-json-ld",
        ),
    ],
)
def test_invalid_input_is_422_with_its_problem_type(
    client: TestClient, app: FastAPI, db: Session, change: dict[str, Any], slug: str
) -> None:
    setup = issuing(client, app, db)
    document = credential(setup.key_did)
    document.update({"issuer": setup.key_did, **change})
    document = {key: value for key, value in document.items() if value is not None or key in change}
    if change.get("type", "") is None:
        del document["type"]
    if "credentialSubject" in change and change["credentialSubject"] is None:
        del document["credentialSubject"]

    assert_problem(issue(client, setup, document), 422, slug)


@pytest.mark.parametrize(
    "extra",
    [
        {"relatedResource": {"id": VCDM_V2, "digestSRI": SRI}},
        {"relatedResource": {"id": VCDM_V2, "digestMultibase": MULTIBASE}},
        {
            "relatedResource": [
                {"id": VCDM_V2, "mediaType": "application/ld+json", "digestSRI": SRI}
            ]
        },
        {"validFrom": "2023-02-26T01:02:58.447Z", "validUntil": "2033-02-26T01:02:58-06:00"},
        {
            "name": [
                {"@value": "Ejemplo", "@language": "es"},
                {"@value": "Example", "@language": "en"},
            ]
        },
        {"credentialSubject": [{"id": "did:example:a"}, {"id": "did:example:b"}]},
    ],
)
def test_valid_optional_properties_are_accepted(
    client: TestClient, app: FastAPI, db: Session, extra: dict[str, Any]
) -> None:
    setup = issuing(client, app, db)
    signed = issued(client, setup, credential(setup.key_did, **extra))

    assert {key: signed[key] for key in extra} == extra


def test_examples_context_terms_and_foreign_status_types_are_signed_as_given(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    status = {"id": "did:example:status", "type": "CredentialStatusList2017"}
    document = credential(setup.key_did, credentialStatus=status)
    document["@context"] = [VCDM_V2, EXAMPLES_V2]
    signed = issued(client, setup, document)

    assert signed["credentialStatus"] == status


def test_idempotency_key_replays_the_first_credential(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    headers = {**setup.headers, "Idempotency-Key": "vc-api-retry-1"}
    body = {"credential": credential(setup.key_did), "options": {}}
    first = client.post(setup.instance_issue, headers=headers, json=body)
    again = client.post(setup.instance_issue, headers=headers, json=body)

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.headers["Idempotent-Replay"] == "true"
    assert again.json() == first.json()
    other = {"credential": credential(setup.key_did, id="urn:uuid:1"), "options": {}}
    assert_problem(
        client.post(setup.instance_issue, headers=headers, json=other),
        422,
        "idempotency-key-reused",
    )


def test_each_issuance_is_audited_without_the_claims(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    issued(
        client, setup, credential(setup.key_did, id="urn:uuid:7d1c0b7e-0000-4000-8000-000000000001")
    )

    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "credential.vc-api-issue")
    ).one()
    assert event.target_id == "urn:uuid:7d1c0b7e-0000-4000-8000-000000000001"
    assert event.summary["after"]["issuer"] == setup.key_did
    assert "credentialSubject" not in json.dumps(event.summary)


def test_issuing_needs_an_issuing_role(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing(client, app, db)
    body = {"credential": credential(setup.key_did)}

    assert_problem(client.post(setup.instance_issue, json=body), 401, "unauthorized")
    assert_problem(
        client.post("/instances/no-such-instance/credentials/issue", json=body), 401, "unauthorized"
    )
    assert_problem(
        client.post("/instances/no-such/credentials/issue", headers=setup.headers, json=body),
        404,
        "issuer-instance-not-found",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"credentialSubject": {"id": "did:example:x", "deep": json.loads("[" * 300 + "]" * 300)}},
        {"credentialSubject": {"id": "did:example:x", "n": 2**70}},
        {"credentialSubject": {"id": "did:example:x", "t": "a\u0000b"}},
        {"credentialStatus": [1]},
        {"relatedResource": {"id": VCDM_V2, "digestMultibase": "z!!!"}},
        {"relatedResource": {"id": VCDM_V2, "digestSRI": "sha256-@@@"}},
        {"validFrom": "2024-13-01T00:00:00Z"},
        {"issuer": {"id": "ISSUER", "name": 5}},
        {"evidence": [{"type": ["Evidence", 5]}]},
    ],
)
def test_hostile_credentials_are_refused_never_a_server_error(
    client: TestClient, app: FastAPI, db: Session, change: dict[str, Any]
) -> None:
    setup = issuing(client, app, db)
    document = {**credential(setup.key_did), **change}
    if isinstance(document["issuer"], dict):
        document["issuer"] = {**document["issuer"], "id": setup.key_did}
    for options in ({}, {"securingMechanism": "EnvelopingProof"}):
        response = issue(client, setup, document, **options)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("purpose", ["revocation ", "refresh", ["revocation", 5]])
def test_unknown_status_purposes_are_refused(
    client: TestClient, app: FastAPI, db: Session, purpose: Any
) -> None:
    setup = issuing(client, app, db)
    response = issue(client, setup, credential(setup.web_did), at=ISSUE, statusPurpose=purpose)

    if isinstance(purpose, list):  # not strings: the options' schema refuses it
        assert_problem(response, 422, "validation-error")
    else:
        assert_problem(response, 422, "invalid-status-request")
    request = {"type": "BitstringStatusListEntry", "statusPurpose": "message"}
    entry = issue(client, setup, credential(setup.web_did, credentialStatus=request), at=ISSUE)
    assert_problem(entry, 422, "invalid-status-request")

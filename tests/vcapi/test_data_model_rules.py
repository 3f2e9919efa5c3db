"""The VC API verifier refuses signed input that breaks the data model (400
`nonconforming-input`, naming the broken rule), whoever signed it: a valid signature on a
credential without `credentialSubject`, or on a presentation whose first `@context` is not
the base context, is no verified credential. The W3C suites' negative presentation tests
send such input; before this rule some were refused only for another reason (a missing
domain), and signed credentials breaking these rules verified. Our employer API keeps its
own answer (200, not verified)."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.helpers import assert_problem
from tests.vcapi.factories import EXAMPLES_V2, VCDM_V1, VCDM_V2, DidKey

VERIFY = "/credentials/verify"
VERIFY_VP = "/presentations/verify"
PROBLEMS = "https://nassc.org/problems/"
CHALLENGE = {"challenge": "c-0123", "domain": "verifier.example"}


def _credential(key: DidKey, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [VCDM_V2, EXAMPLES_V2],
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "credentialSubject": {"id": "did:example:alice", "name": "Alice"},
    }
    document.update(changes)
    return {key_: value for key_, value in document.items() if value is not None}


def _signed(key: DidKey, app: FastAPI, document: dict[str, Any], **options: Any) -> Any:
    return {**document, "proof": key.sign(document, app.state.contexts, **options)}


def _refused(response: Any, rule: str) -> dict[str, Any]:
    problem = assert_problem(response, 400, "nonconforming-input")
    assert problem["rule"] == PROBLEMS + rule
    assert problem["verified"] is False
    assert [error["type"] for error in problem["errors"]] == [PROBLEMS + "nonconforming-input"]
    return problem


BROKEN_CREDENTIALS = [
    pytest.param({"credentialSubject": None}, "invalid-credential-subject", id="no-subject"),
    pytest.param({"credentialSubject": {}}, "invalid-credential-subject", id="empty-subject"),
    pytest.param(
        {"@context": [EXAMPLES_V2, VCDM_V2]}, "invalid-credential-context", id="first-context"
    ),
    pytest.param({"issuer": None}, "invalid-issuer", id="no-issuer"),
    pytest.param(
        {"validFrom": "2026-02-01T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z"},
        "invalid-validity-period",
        id="ends-before-it-starts",
    ),
    pytest.param(
        {"credentialStatus": {"id": "https://example.com/status/1"}},
        "invalid-typed-entry",
        id="status-without-type",
    ),
    pytest.param(
        {"credentialSchema": {"type": "JsonSchema"}}, "invalid-identifier", id="schema-without-id"
    ),
    pytest.param({"name": {"x": "1"}}, "invalid-language-value", id="name-not-a-language-value"),
    pytest.param(
        {"relatedResource": [{"id": "https://example.com/r"}]},
        "invalid-related-resource",
        id="related-resource-without-digest",
    ),
]


@pytest.mark.parametrize(("changes", "rule"), BROKEN_CREDENTIALS)
def test_a_signed_credential_that_breaks_the_data_model_is_refused(
    client: TestClient, app: FastAPI, changes: dict[str, Any], rule: str
) -> None:
    key = DidKey()
    signed = _signed(key, app, _credential(key, **changes))

    _refused(client.post(VERIFY, json={"verifiableCredential": signed}), rule)
    strict = client.post("/api/v1/verify", json=signed)
    assert strict.status_code == 200, strict.text
    assert strict.json()["verified"] is False


def test_the_same_credential_conforming_verifies(client: TestClient, app: FastAPI) -> None:
    key = DidKey()
    signed = _signed(key, app, _credential(key))

    response = client.post(VERIFY, json={"verifiableCredential": signed})
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True


def test_an_enveloped_vc_jwt_is_held_to_the_same_rules(client: TestClient) -> None:
    key = DidKey()
    payload = _credential(key, credentialSubject=None)
    token = jwt.encode(
        payload, key.private_key, algorithm="EdDSA", headers={"typ": "vc+jwt", "kid": key.method}
    )
    envelope = {
        "@context": VCDM_V2,
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/vc+jwt,{token}",
    }

    _refused(
        client.post(VERIFY, json={"verifiableCredential": envelope}), "invalid-credential-subject"
    )


def _presentation(key: DidKey, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [VCDM_V2],
        "type": ["VerifiablePresentation"],
        "holder": key.did,
    }
    document.update(changes)
    return document


def test_a_presentation_whose_first_context_is_not_the_base_one_is_refused(
    client: TestClient, app: FastAPI
) -> None:
    holder = DidKey()
    good = _presentation(holder)
    signed = _signed(holder, app, good, proofPurpose="authentication", **CHALLENGE)
    accepted = client.post(VERIFY_VP, json={"verifiablePresentation": signed, "options": CHALLENGE})
    assert accepted.status_code == 200, accepted.text

    # Signed with the challenge and the domain asked for: refused for its context alone.
    first_object = _presentation(holder, **{"@context": [{"X": "https://ex.org#X"}, VCDM_V2]})
    signed = _signed(holder, app, first_object, proofPurpose="authentication", **CHALLENGE)
    response = client.post(VERIFY_VP, json={"verifiablePresentation": signed, "options": CHALLENGE})
    problem = _refused(response, "invalid-credential-context")
    assert "presentation's first @context" in problem["detail"]


def test_a_presentation_with_a_bad_holder_or_a_broken_credential_is_refused(
    client: TestClient, app: FastAPI
) -> None:
    holder = DidKey()
    not_a_url = _presentation(holder, holder="not a url")
    _refused(
        client.post(VERIFY_VP, json={"verifiablePresentation": not_a_url}), "invalid-identifier"
    )

    broken = _signed(holder, app, _credential(holder, credentialSubject=None))
    holding = _presentation(holder, verifiableCredential=[broken])
    response = client.post(VERIFY_VP, json={"verifiablePresentation": holding})
    problem = _refused(response, "invalid-credential-subject")
    assert problem["detail"].startswith("verifiableCredential[0]: ")


def test_a_vc_1_1_credential_needs_its_issuance_date(client: TestClient, app: FastAPI) -> None:
    key = DidKey()
    v1 = {
        "@context": [VCDM_V1, "https://w3id.org/security/data-integrity/v2"],
        "credentialSubject": {"id": "did:example:alice"},
    }
    dated = _credential(key, **v1, issuanceDate="2026-01-01T00:00:00Z")
    undated = _credential(key, **v1)

    accepted = client.post(VERIFY, json={"verifiableCredential": _signed(key, app, dated)})
    assert accepted.status_code == 200, accepted.text
    refused = client.post(VERIFY, json={"verifiableCredential": _signed(key, app, undated)})
    assert "issuanceDate" in _refused(refused, "invalid-validity-period")["detail"]

"""Each acceptance case through POST /api/v1/verify, in both securing mechanisms.

Every case asserts the distinct outcome and every check's status: valid, tampered signature,
tampered payload, wrong key, unknown issuer, expired, not yet valid, revoked, suspended then
reinstated, status list unreachable, and an unpinned remote context (never fetched).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.crypto.data_integrity import add_proof
from app.crypto.jose import sign_vc_jwt
from app.crypto.multikey import generate_private_key, public_key_to_multibase
from app.db import utcnow
from tests.credentials.factories import issuing_setup
from tests.factories import staff_headers
from tests.verification.factories import (
    ALL_CHECKS,
    FORMS,
    ForeignIssuer,
    codes,
    form_of,
    issue,
    issued_credential,
    resigned,
    statuses,
    unsigned,
    verify,
)

NOT_CHECKED = {"validity": "unknown", "revocation": "unknown", "suspension": "unknown"}


def _tamper_signature(credential: dict[str, Any] | str) -> dict[str, Any] | str:
    """Change one character in the middle of the signature (the content is untouched)."""
    if isinstance(credential, str):
        header, payload, signature = credential.split(".")
        middle = len(signature) // 2
        swapped = "A" if signature[middle] != "A" else "B"
        return f"{header}.{payload}.{signature[:middle]}{swapped}{signature[middle + 1 :]}"
    tampered: dict[str, Any] = json.loads(json.dumps(credential))
    value = tampered["proof"]["proofValue"]
    middle = len(value) // 2
    swapped = "2" if value[middle] != "2" else "3"
    tampered["proof"]["proofValue"] = value[:middle] + swapped + value[middle + 1 :]
    return tampered


def _tamper_payload(credential: dict[str, Any] | str) -> dict[str, Any] | str:
    """Change the holder's name, keeping the original signature."""
    if isinstance(credential, str):
        header, payload, signature = credential.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["credentialSubject"]["identifier"][1]["identityHash"] = "Someone Else"
        encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{header}.{encoded}.{signature}"
    tampered: dict[str, Any] = json.loads(json.dumps(credential))
    tampered["credentialSubject"]["identifier"][1]["identityHash"] = "Someone Else"
    return tampered


@pytest.mark.parametrize("form", FORMS)
def test_valid_credential_verifies(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    setup, issued = issued_credential(client, app, db)
    response = client.post("/api/v1/verify", json={"credential": form_of(issued, form)})

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["kind"] == "credential"
    assert body["verified"] is True
    assert body["outcome"] == "verified"
    assert body["format"] == ("vc+jwt" if form == "jwt" else "data-integrity")
    assert statuses(body) == dict.fromkeys(ALL_CHECKS, "passed")
    assert [check["name"] for check in body["checks"]] == list(ALL_CHECKS)
    assert codes(body)["issuer"] == "own-issuer"
    assert codes(body)["revocation"] == "not-revoked"
    summary = body["summary"]
    assert summary["holder_name"] == "María Fernanda López"
    assert summary["credential_id"] == f"urn:uuid:{issued['id']}"
    assert summary["status"] == "active"
    assert summary["standard"]["code"] == setup.standard.code
    assert summary["standard"]["version"] == str(setup.standard.version)
    assert summary["standard"]["level"] == setup.standard.level.nassc_level
    assert summary["standard"]["sector"] == setup.standard.sector.value
    assert summary["issuer"] == {
        "id": "did:web:testserver",
        "name": issued["credential"]["issuer"]["name"],
        "url": "http://testserver",
        "registry_name": issued["credential"]["issuer"]["name"],
        "country": None,
        "own": True,
    }
    assert summary["valid_from"] and summary["valid_until"] and summary["awarded_at"]
    # Nothing beyond the credential: never the email, not even its salted hash.
    assert "maria.lopez@example.com" not in response.text
    assert "sha256$" not in response.text


@pytest.mark.parametrize("form", FORMS)
def test_tampered_signature_is_tampered(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    _, issued = issued_credential(client, app, db)
    body = verify(client, _tamper_signature(form_of(issued, form)))

    assert body["verified"] is False
    assert body["outcome"] == "tampered"
    assert statuses(body) == {
        "proof": "failed",
        "issuer": "passed",
        "schema": "passed",
        **NOT_CHECKED,
    }
    assert codes(body)["proof"] == "signature-mismatch"
    assert codes(body)["revocation"] == "not-checked"
    assert body["summary"] is None and body["recognition"] == []


@pytest.mark.parametrize("form", FORMS)
def test_tampered_payload_is_tampered(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    _, issued = issued_credential(client, app, db)
    response = client.post(
        "/api/v1/verify", json={"credential": _tamper_payload(form_of(issued, form))}
    )
    body = response.json()

    assert response.status_code == 200
    assert body["outcome"] == "tampered"
    assert statuses(body) == {
        "proof": "failed",
        "issuer": "passed",
        "schema": "passed",
        **NOT_CHECKED,
    }
    assert codes(body)["proof"] == "signature-mismatch"
    # The altered name is never shown as a fact.
    assert "Someone Else" not in response.text


@pytest.mark.parametrize("form", FORMS)
def test_key_not_published_by_the_issuer_is_wrong_key(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    _, issued = issued_credential(client, app, db)
    forger = generate_private_key()
    method = f"did:web:testserver#{public_key_to_multibase(forger.public_key())}"
    document = unsigned(issued["credential"])
    forged: dict[str, Any] | str = (
        sign_vc_jwt(document, private_key=forger, kid=method)
        if form == "jwt"
        else add_proof(
            document,
            private_key=forger,
            verification_method=method,
            created=utcnow(),
            contexts=app.state.contexts,
        )
    )
    body = verify(client, forged)

    assert body["verified"] is False
    assert body["outcome"] == "wrong-key"
    assert statuses(body) == {
        "proof": "failed",
        "issuer": "passed",
        "schema": "passed",
        **NOT_CHECKED,
    }
    assert codes(body)["proof"] == "unknown-key"


@pytest.mark.parametrize("form", FORMS)
def test_other_key_under_the_issuers_key_id_is_tampered(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    # Signed with another key but naming the issuer's real key: indistinguishable from an
    # altered signature, so it reads "tampered".
    _, issued = issued_credential(client, app, db)
    forger = generate_private_key()
    method = issued["credential"]["proof"]["verificationMethod"]
    document = unsigned(issued["credential"])
    forged: dict[str, Any] | str = (
        sign_vc_jwt(document, private_key=forger, kid=method)
        if form == "jwt"
        else add_proof(
            document,
            private_key=forger,
            verification_method=method,
            created=utcnow(),
            contexts=app.state.contexts,
        )
    )
    body = verify(client, forged)
    assert body["outcome"] == "tampered"
    assert codes(body)["proof"] == "signature-mismatch"


@pytest.mark.parametrize("form", FORMS)
def test_issuer_not_in_the_registry_is_unknown_issuer_without_network(
    client: TestClient, app: FastAPI, db: Session, form: str, no_network: list[Any]
) -> None:
    _, issued = issued_credential(client, app, db)
    stranger = ForeignIssuer("credentials.unknown.example")
    credential = stranger.sign(stranger.credential(issued["credential"]), form, app.state.contexts)

    body = verify(client, credential)

    assert body["verified"] is False
    assert body["outcome"] == "unknown-issuer"
    assert statuses(body) == {
        "proof": "unknown",
        "issuer": "failed",
        "schema": "passed",
        **NOT_CHECKED,
    }
    assert codes(body)["issuer"] == "untrusted-issuer"
    assert codes(body)["proof"] == "not-checked"
    assert "did:web:credentials.unknown.example" in body["checks"][1]["detail"]
    assert body["summary"] is None
    assert no_network == []


@pytest.mark.parametrize("form", FORMS)
def test_expired_credential_is_expired(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    _, issued = issued_credential(client, app, db)
    document = unsigned(issued["credential"])
    document["validFrom"] = "2019-01-01T00:00:00Z"
    document["validUntil"] = "2024-01-01T00:00:00Z"
    body = verify(client, resigned(app, db, document, form))

    assert body["verified"] is False
    assert body["outcome"] == "expired"
    assert statuses(body) == {**dict.fromkeys(ALL_CHECKS, "passed"), "validity": "failed"}
    assert codes(body)["validity"] == "expired"
    assert body["summary"]["status"] == "expired"
    assert body["summary"]["valid_until"] == "2024-01-01T00:00:00Z"


@pytest.mark.parametrize("form", FORMS)
def test_credential_not_valid_yet_is_not_yet_valid(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    setup = issuing_setup(client, app, db)
    issued = issue(client, setup, valid_from="2099-01-01T00:00:00Z")
    body = verify(client, form_of(issued, form))

    assert body["verified"] is False
    assert body["outcome"] == "not-yet-valid"
    assert statuses(body) == {**dict.fromkeys(ALL_CHECKS, "passed"), "validity": "failed"}
    assert codes(body)["validity"] == "not-yet-valid"
    assert body["summary"]["status"] == "not-yet-valid"


@pytest.mark.parametrize(
    ("claims", "outcome"),
    [
        ({"exp": 1_704_067_200, "validUntil": "2024-01-01T00:00:00Z"}, "expired"),
        ({"nbf": 4_070_908_800, "validFrom": "2099-01-01T00:00:00Z"}, "not-yet-valid"),
    ],
)
def test_jwt_exp_and_nbf_are_judged_as_validity_not_as_the_signature(
    client: TestClient, app: FastAPI, db: Session, claims: dict[str, int], outcome: str
) -> None:
    _, issued = issued_credential(client, app, db)
    body = verify(client, resigned(app, db, {**unsigned(issued["credential"]), **claims}, "jwt"))

    assert body["verified"] is False
    assert body["outcome"] == outcome
    assert statuses(body) == {**dict.fromkeys(ALL_CHECKS, "passed"), "validity": "failed"}
    assert codes(body)["validity"] == outcome


@pytest.mark.parametrize("form", FORMS)
def test_revoked_credential_is_revoked(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    setup, issued = issued_credential(client, app, db)
    revoked = client.post(
        f"/api/v1/admin/credentials/{issued['id']}/revoke",
        headers=setup.staff,
        json={"reason": "Assessment fraud"},
    )
    assert revoked.status_code == 200, revoked.text

    body = verify(client, form_of(issued, form))
    assert body["verified"] is False
    assert body["outcome"] == "revoked"
    assert statuses(body) == {**dict.fromkeys(ALL_CHECKS, "passed"), "revocation": "failed"}
    assert codes(body)["revocation"] == "revoked"
    assert body["summary"]["status"] == "revoked"
    # The reason staff gave is never published.
    assert "fraud" not in json.dumps(body)


@pytest.mark.parametrize("form", FORMS)
def test_suspended_then_reinstated(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    setup, issued = issued_credential(client, app, db)
    credential = form_of(issued, form)
    admin = f"/api/v1/admin/credentials/{issued['id']}"
    assert (
        client.post(f"{admin}/suspend", headers=setup.staff, json={"reason": "Audit"}).status_code
        == 200
    )

    suspended = verify(client, credential)
    assert suspended["verified"] is False
    assert suspended["outcome"] == "suspended"
    assert statuses(suspended) == {**dict.fromkeys(ALL_CHECKS, "passed"), "suspension": "failed"}
    assert codes(suspended)["suspension"] == "suspended"
    assert suspended["summary"]["status"] == "suspended"

    assert client.post(f"{admin}/reinstate", headers=setup.staff).status_code == 200
    reinstated = verify(client, credential)
    assert reinstated["verified"] is True
    assert reinstated["outcome"] == "verified"
    assert statuses(reinstated) == dict.fromkeys(ALL_CHECKS, "passed")


@pytest.mark.parametrize("form", FORMS)
def test_unreachable_status_list_is_unknown_not_passed(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    _, issued = issued_credential(client, app, db)
    document = unsigned(issued["credential"])
    document["credentialStatus"][0]["statusListCredential"] = "http://testserver/status/999999"
    document["credentialStatus"][0]["id"] = "http://testserver/status/999999#7"
    body = verify(client, resigned(app, db, document, form))

    assert body["verified"] is False
    assert body["outcome"] == "status-unknown"
    assert statuses(body) == {**dict.fromkeys(ALL_CHECKS, "passed"), "revocation": "unknown"}
    assert codes(body)["revocation"] == "status-list-unavailable"
    assert body["checks"][3]["detail"].startswith("Could not check")
    assert body["summary"]["status"] == "unknown"


@pytest.mark.parametrize("form", FORMS)
def test_status_list_on_another_host_is_not_fetched(
    client: TestClient, app: FastAPI, db: Session, form: str, no_network: list[Any]
) -> None:
    _, issued = issued_credential(client, app, db)
    document = unsigned(issued["credential"])
    document["credentialStatus"][1]["statusListCredential"] = "http://169.254.169.254/status/1"
    body = verify(client, resigned(app, db, document, form))

    assert body["outcome"] == "status-unknown"
    assert statuses(body)["suspension"] == "unknown"
    assert codes(body)["suspension"] == "status-list-not-fetched"
    assert no_network == []


@pytest.mark.parametrize("form", FORMS)
def test_remote_context_is_invalid_and_never_fetched(
    client: TestClient, app: FastAPI, db: Session, form: str, no_network: list[Any]
) -> None:
    _, issued = issued_credential(client, app, db)
    remote = "https://attacker.example/context.jsonld"
    if form == "jwt":
        document = unsigned(issued["credential"])
        document["@context"] = [*document["@context"], remote]
        credential: dict[str, Any] | str = resigned(app, db, document, form)
    else:
        credential = json.loads(json.dumps(issued["credential"]))
        assert isinstance(credential, dict)
        credential["@context"] = [*credential["@context"], remote]
    body = verify(client, credential)

    assert body["verified"] is False
    assert body["outcome"] == "invalid"
    assert statuses(body)["schema"] == "failed"
    assert remote in next(c["detail"] for c in body["checks"] if c["name"] == "schema")
    if form == "di":
        assert codes(body)["proof"] == "unknown-context"
    assert no_network == []


def test_credential_without_proof_is_invalid(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    body = verify(client, unsigned(issued["credential"]))
    assert body["outcome"] == "invalid"
    assert codes(body)["proof"] == "no-proof"
    assert statuses(body)["proof"] == "failed"


def test_retired_key_is_no_longer_trusted(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    admin = staff_headers(client, db, Role.admin)
    kid = issued["credential"]["proof"]["verificationMethod"].split("#", 1)[1]
    assert client.post("/api/v1/admin/keys/rotate", headers=admin).status_code in (200, 201)
    retired = client.post(
        f"/api/v1/admin/keys/{kid}/retire", headers=admin, json={"reason": "compromised"}
    )
    assert retired.status_code == 200, retired.text

    body = verify(client, issued["jwt"])
    assert body["outcome"] == "wrong-key"
    assert codes(body)["proof"] == "unknown-key"

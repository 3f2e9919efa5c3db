"""Credentials issued through the VC API with status entries can be revoked, suspended and
reinstated: `POST /credentials/status` (the VC API's update status) and the admin API set
their bits, and the list is re-signed in the same transaction."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import create_provider, provider_headers
from tests.helpers import assert_problem
from tests.status.factories import set_bits
from tests.vcapi.factories import ISSUE, Issuing, credential, issued, issuing

STATUS = "/credentials/status"
VERIFY = "/credentials/verify"
CREDENTIAL_ID = "urn:uuid:0b3a1c2e-7d5f-4e7a-9c61-5f2d3a4b6c7d"


@pytest.fixture
def setup(client: TestClient, app: FastAPI, db: Session) -> Issuing:
    return issuing(client, app, db)


def issue_with_status(
    client: TestClient, setup: Issuing, purposes: list[str], **extra: Any
) -> dict[str, Any]:
    document = credential(setup.web_did, **({"id": CREDENTIAL_ID} | extra))
    return issued(client, setup, document, at=ISSUE, statusPurpose=purposes)


def entry_of(signed: dict[str, Any], purpose: str) -> dict[str, Any]:
    entries = signed["credentialStatus"]
    entries = entries if isinstance(entries, list) else [entries]
    [entry] = [item for item in entries if item["statusPurpose"] == purpose]
    return dict(entry)


def bit_is_set(client: TestClient, entry: dict[str, Any]) -> bool:
    path = entry["statusListCredential"].split("://", 1)[1].split("/", 1)[1]
    listed = client.get(f"/{path}")
    assert listed.status_code == 200, listed.text
    return int(entry["statusListIndex"]) in set_bits(
        listed.json()["credentialSubject"]["encodedList"]
    )


def set_status(
    client: TestClient, headers: dict[str, str], purpose: str, status: bool = True, **body: Any
) -> Any:
    request = {
        "credentialId": CREDENTIAL_ID,
        "credentialStatus": {
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "status": status,
        },
        **body,
    }
    return client.post(STATUS, headers=headers, json=request)


def verify(client: TestClient, signed: dict[str, Any]) -> Any:
    return client.post(VERIFY, json={"verifiableCredential": signed})


def test_suspend_reinstate_then_revoke_through_the_vc_api(
    client: TestClient, setup: Issuing
) -> None:
    signed = issue_with_status(client, setup, ["revocation", "suspension"])
    revocation, suspension = entry_of(signed, "revocation"), entry_of(signed, "suspension")
    assert verify(client, signed).status_code == 200

    suspended = set_status(client, setup.headers, "suspension")
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["listsRepublished"] == [suspension["statusListCredential"]]
    assert bit_is_set(client, suspension)
    assert not bit_is_set(client, revocation)
    refused = verify(client, signed)
    assert refused.status_code == 400
    assert "suspended" in refused.text

    reinstated = set_status(client, setup.headers, "suspension", status=False)
    assert reinstated.status_code == 200, reinstated.text
    assert reinstated.json()["status"] == "active"
    assert not bit_is_set(client, suspension)
    assert verify(client, signed).status_code == 200

    revoked = set_status(client, setup.headers, "revocation")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    assert bit_is_set(client, revocation)
    assert verify(client, signed).status_code == 400

    assert_problem(
        set_status(client, setup.headers, "revocation"), 409, "credential-already-revoked"
    )
    assert_problem(set_status(client, setup.headers, "suspension"), 409, "credential-revoked")
    undo = set_status(client, setup.headers, "revocation", status=False)
    assert_problem(undo, 422, "invalid-status-request")


def test_the_admin_api_changes_them_too_with_a_reason(client: TestClient, setup: Issuing) -> None:
    signed = issue_with_status(client, setup, ["revocation"])
    admin = f"/api/v1/admin/credentials/{CREDENTIAL_ID}"

    assert_problem(client.post(f"{admin}/revoke", headers=setup.headers), 422, "validation-error")
    revoked = client.post(f"{admin}/revoke", headers=setup.headers, json={"reason": "fraud"})

    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    assert bit_is_set(client, entry_of(signed, "revocation"))
    audit = client.get(
        "/api/v1/admin/audit", headers=setup.headers, params={"action": "credential.revoke"}
    )
    assert audit.status_code == 200, audit.text
    [event] = audit.json()["items"]
    assert event["target_type"] == "vc-api-credential"
    assert event["target_id"] == CREDENTIAL_ID


def test_options_credential_id_tracks_a_credential_without_an_id(
    client: TestClient, setup: Issuing
) -> None:
    document = credential(setup.web_did)
    signed = issued(
        client, setup, document, at=ISSUE, statusPurpose="revocation", credentialId=CREDENTIAL_ID
    )
    assert "id" not in signed

    assert set_status(client, setup.headers, "revocation").status_code == 200
    assert bit_is_set(client, entry_of(signed, "revocation"))


def test_what_cannot_be_changed(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing(client, app, db)
    issue_with_status(client, setup, ["revocation"])

    assert_problem(set_status(client, setup.headers, "suspension"), 409, "no-status-entry")
    again = client.post(
        ISSUE,
        headers=setup.headers,
        json={
            "credential": credential(setup.web_did, id=CREDENTIAL_ID),
            "options": {"statusPurpose": "revocation"},
        },
    )
    assert_problem(again, 409, "credential-id-in-use")
    unknown = set_status(client, setup.headers, "revocation", credentialId="urn:uuid:unknown")
    assert_problem(unknown, 404, "credential-not-found")
    other_provider = provider_headers(client, db, create_provider(db))
    assert_problem(set_status(client, other_provider, "revocation"), 404, "credential-not-found")
    assert client.post(STATUS, json={"credentialId": CREDENTIAL_ID}).status_code == 401


def test_a_provider_client_changes_what_it_issued(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    provider = provider_headers(client, db, create_provider(db))
    document = credential(setup.web_did, id=CREDENTIAL_ID)
    response = client.post(
        ISSUE,
        headers=provider,
        json={"credential": document, "options": {"statusPurpose": "revocation"}},
    )
    assert response.status_code == 201, response.text

    assert set_status(client, provider, "revocation").status_code == 200
    assert bit_is_set(client, entry_of(response.json()["verifiableCredential"], "revocation"))

"""The trust registry: staff pin other nodes' DID documents; their credentials verify offline.

Their status lists are fetched only when a remote source is enabled, only from the host
their did:web names, and an unreachable list leaves status `unknown`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.crypto.multikey import public_key_to_jwk
from app.verification.remote_status import RemoteStatusLists
from tests.factories import create_provider, provider_headers, staff_headers
from tests.helpers import assert_problem
from tests.verification.factories import (
    ALL_CHECKS,
    FORMS,
    Clock,
    FakeFetcher,
    ForeignIssuer,
    add_trusted,
    codes,
    issued_credential,
    statuses,
    verify,
)

REGISTRY = "/api/v1/admin/trusted-issuers"


def _foreign_credential(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> tuple[ForeignIssuer, dict[str, Any], dict[str, Any] | str, dict[str, str]]:
    setup, issued = issued_credential(client, app, db)
    node = ForeignIssuer("mx.nassc.example")
    document = node.credential(issued["credential"])
    return node, document, node.sign(document, form, app.state.contexts), setup.staff


def _serve_lists(
    app: FastAPI, node: ForeignIssuer, document: dict[str, Any], *, revoked: bool = False
) -> FakeFetcher:
    fetcher = FakeFetcher()
    for entry in document["credentialStatus"]:
        url = entry["statusListCredential"]
        index = int(entry["statusListIndex"])
        hit = revoked and entry["statusPurpose"] == "revocation"
        signed = node.status_list(
            url, entry["statusPurpose"], app.state.contexts, set_index=index if hit else None
        )
        fetcher.bodies[url] = json.dumps(signed).encode()
        fetcher.etags[url] = f'"{url}"'
    app.state.remote_status_lists = RemoteStatusLists(fetcher, clock=Clock())
    return fetcher


def test_registry_lists_this_service_first(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    auditor = staff_headers(client, db, Role.auditor)
    body = client.get(REGISTRY, headers=auditor).json()
    [own] = body["items"]
    assert own["did"] == "did:web:testserver"
    assert own["builtin"] is True and own["id"] is None
    assert own["key_ids"] == [issued["credential"]["proof"]["verificationMethod"]]


@pytest.mark.parametrize("form", FORMS)
def test_trusted_issuer_verifies_offline_but_status_stays_unknown(
    client: TestClient, app: FastAPI, db: Session, form: str, no_network: list[Any]
) -> None:
    node, _, credential, staff = _foreign_credential(client, app, db, form)
    added = add_trusted(client, staff, node)
    assert added["key_ids"] == [node.method]
    assert added["country"] == "MX" and added["builtin"] is False

    body = verify(client, credential)
    assert body["verified"] is False
    assert body["outcome"] == "status-unknown"
    assert statuses(body) == {
        **dict.fromkeys(ALL_CHECKS, "passed"),
        "revocation": "unknown",
        "suspension": "unknown",
    }
    assert codes(body)["issuer"] == "trusted-issuer"
    assert codes(body)["revocation"] == "status-list-not-fetched"
    assert body["summary"]["issuer"]["registry_name"] == "NASSC México"
    assert body["summary"]["issuer"]["country"] == "MX"
    assert body["summary"]["status"] == "unknown"
    assert no_network == []


@pytest.mark.parametrize("form", FORMS)
def test_trusted_issuer_lists_fetched_from_its_own_host(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    node, document, credential, staff = _foreign_credential(client, app, db, form)
    add_trusted(client, staff, node)
    fetcher = _serve_lists(app, node, document)

    body = verify(client, credential)
    assert body["verified"] is True, [c["detail"] for c in body["checks"]]
    assert statuses(body) == dict.fromkeys(ALL_CHECKS, "passed")
    assert {url for url, _ in fetcher.calls} == {
        entry["statusListCredential"] for entry in document["credentialStatus"]
    }
    # Within the list's ttl the cached copy answers.
    verify(client, credential)
    assert len(fetcher.calls) == 2


def test_trusted_issuer_revocation_from_its_list(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    node, document, credential, staff = _foreign_credential(client, app, db, "di")
    add_trusted(client, staff, node)
    _serve_lists(app, node, document, revoked=True)
    body = verify(client, credential)
    assert body["outcome"] == "revoked"
    assert statuses(body)["revocation"] == "failed"


@pytest.mark.parametrize("form", FORMS)
def test_unreachable_remote_list_is_unknown(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    node, document, credential, staff = _foreign_credential(client, app, db, form)
    add_trusted(client, staff, node)
    fetcher = _serve_lists(app, node, document)
    fetcher.unreachable = True

    body = verify(client, credential)
    assert body["verified"] is False
    assert body["outcome"] == "status-unknown"
    assert statuses(body)["revocation"] == "unknown"
    assert codes(body)["revocation"] == "status-list-unavailable"
    assert body["checks"][3]["detail"].startswith("Could not check")


def test_list_on_another_host_is_not_fetched(client: TestClient, app: FastAPI, db: Session) -> None:
    setup, issued = issued_credential(client, app, db)
    node = ForeignIssuer("mx.nassc.example")
    document = node.credential(issued["credential"])
    document["credentialStatus"][0]["statusListCredential"] = "https://internal.example/status/1"
    add_trusted(client, setup.staff, node)
    fetcher = _serve_lists(app, node, document)

    body = verify(client, node.sign(document, "jwt", app.state.contexts))
    assert codes(body)["revocation"] == "status-list-not-fetched"
    assert "https://internal.example/status/1" not in {url for url, _ in fetcher.calls}


def test_list_signed_by_someone_else_is_unknown(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    node, document, credential, staff = _foreign_credential(client, app, db, "jwt")
    add_trusted(client, staff, node)
    impostor = ForeignIssuer(node.host)  # same DID, another key
    _serve_lists(app, impostor, document)
    body = verify(client, credential)
    assert body["outcome"] == "status-unknown"
    assert codes(body)["revocation"] == "status-list-invalid"


def test_json_web_key_verification_method(client: TestClient, app: FastAPI, db: Session) -> None:
    node, _, credential, staff = _foreign_credential(client, app, db, "jwt")
    document = node.did_document()
    method = document["verificationMethod"][0]
    del method["publicKeyMultibase"]
    method["type"] = "JsonWebKey"
    method["publicKeyJwk"] = {
        k: v for k, v in public_key_to_jwk(node.key.public_key(), kid="key-1").items() if k != "kid"
    }
    response = client.post(
        REGISTRY,
        headers=staff,
        json={"did": node.did, "name": "Nodo", "country": "MX", "did_document": document},
    )
    assert response.status_code == 201, response.text
    assert statuses(verify(client, credential))["proof"] == "passed"


def test_removing_an_issuer_makes_its_credentials_unknown(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    node, _, credential, staff = _foreign_credential(client, app, db, "di")
    added = add_trusted(client, staff, node)
    assert client.delete(f"{REGISTRY}/{added['id']}", headers=staff).status_code == 204
    assert verify(client, credential)["outcome"] == "unknown-issuer"
    assert_problem(
        client.delete(f"{REGISTRY}/{added['id']}", headers=staff), 404, "trusted-issuer-not-found"
    )


def _bad_documents(node: ForeignIssuer) -> list[tuple[dict[str, Any], int, str]]:
    wrong_id = {**node.did_document(), "id": "did:web:other.example"}
    no_assertion = {**node.did_document(), "assertionMethod": []}
    private_jwk = node.did_document()
    private_jwk["verificationMethod"][0] = {
        "id": node.method,
        "type": "JsonWebKey",
        "controller": node.did,
        "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA", "d": "secret"},
    }
    bad_multikey = node.did_document()
    bad_multikey["verificationMethod"][0]["publicKeyMultibase"] = "zNotAKey"
    return [
        (wrong_id, 422, "invalid-did-document"),
        (no_assertion, 422, "invalid-did-document"),
        (private_jwk, 422, "invalid-did-document"),
        (bad_multikey, 422, "invalid-did-document"),
    ]


def test_invalid_did_documents_are_refused(client: TestClient, db: Session) -> None:
    staff = staff_headers(client, db, Role.registrar)
    node = ForeignIssuer("mx.nassc.example")
    for document, status, slug in _bad_documents(node):
        response = client.post(
            REGISTRY,
            headers=staff,
            json={"did": node.did, "name": "Nodo", "did_document": document},
        )
        assert_problem(response, status, slug)


def test_own_and_duplicate_dids_are_refused(client: TestClient, db: Session) -> None:
    staff = staff_headers(client, db, Role.registrar)
    node = ForeignIssuer("mx.nassc.example")
    add_trusted(client, staff, node)
    again = client.post(
        REGISTRY,
        headers=staff,
        json={"did": node.did, "name": "Again", "did_document": node.did_document()},
    )
    assert_problem(again, 409, "trusted-issuer-exists")
    own = ForeignIssuer("testserver")
    response = client.post(
        REGISTRY,
        headers=staff,
        json={"did": own.did, "name": "Us", "did_document": own.did_document()},
    )
    assert_problem(response, 409, "own-issuer-implicit")


def test_registry_needs_staff(client: TestClient, db: Session) -> None:
    node = ForeignIssuer("mx.nassc.example")
    body = {"did": node.did, "name": "Nodo", "did_document": node.did_document()}
    assert_problem(client.post(REGISTRY, json=body), 401, "unauthorized")
    provider = provider_headers(client, db, create_provider(db))
    assert_problem(client.post(REGISTRY, headers=provider, json=body), 403, "forbidden")
    auditor = staff_headers(client, db, Role.auditor)
    assert_problem(client.post(REGISTRY, headers=auditor, json=body), 403, "forbidden")
    assert_problem(client.get(REGISTRY, headers=provider), 403, "forbidden")

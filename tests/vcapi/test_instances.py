"""Issuer instances: admins add did:key and did:web identities; their keys stay encrypted in
the key store; a did:web instance's DID document lists its key under assertionMethod only."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.crypto.data_integrity import verify_proof
from app.crypto.multikey import (
    public_key_from_did_key,
    public_key_from_multibase,
    public_key_to_multibase,
)
from tests.factories import staff_headers
from tests.helpers import assert_problem
from tests.vcapi.factories import INSTANCES, credential, issue, issued, issuing


def test_admin_creates_a_did_key_instance_with_its_key_encrypted_at_rest(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    instance = client.get(f"{INSTANCES}/{setup.instance_id}", headers=setup.headers).json()

    multibase = instance["public_key_multibase"]
    assert instance["did"] == f"did:key:{multibase}"
    assert instance["verification_method"] == f"did:key:{multibase}#{multibase}"
    assert public_key_to_multibase(public_key_from_did_key(instance["did"])) == multibase
    assert instance["issue_endpoint"].endswith(f"/instances/{setup.instance_id}/credentials/issue")
    assert "private" not in str(instance).lower()
    pem = (app.state.settings.keys_dir / f"instance-{multibase}.pem").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    listed = client.get(INSTANCES, headers=setup.headers).json()["items"]
    assert [item["id"] for item in listed] == [setup.instance_id]
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "issuer-instance.create")
    ).one()
    assert (event.target_type, event.target_id) == ("issuer-instance", setup.instance_id)


def test_only_admins_create_and_staff_read(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing(client, app, db)
    registrar = staff_headers(client, db, Role.registrar)
    auditor = staff_headers(client, db, Role.auditor)

    assert_problem(
        client.post(INSTANCES, headers=registrar, json={"name": "node"}), 403, "forbidden"
    )
    assert client.get(INSTANCES, headers=auditor).status_code == 200
    assert_problem(client.get(INSTANCES), 401, "unauthorized")
    assert_problem(
        client.get(f"{INSTANCES}/no-such-instance", headers=setup.headers),
        404,
        "issuer-instance-not-found",
    )
    for body in ({}, {"name": ""}, {"name": "x", "did": "did:key:z6Mk"}):
        assert_problem(
            client.post(INSTANCES, headers=setup.headers, json=body), 422, "validation-error"
        )


def test_a_did_web_instance_on_this_host_serves_its_did_document(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    created = client.post(
        INSTANCES, headers=setup.headers, json={"name": "node", "did_method": "web"}
    )
    assert created.status_code == 201, created.text
    instance = created.json()
    did = f"{setup.web_did}:instances:{instance['id']}"
    method = f"{did}#{instance['public_key_multibase']}"
    assert (instance["did"], instance["verification_method"]) == (did, method)
    path = f"/instances/{instance['id']}/did.json"
    assert instance["did_document_url"] == f"https://testserver{path}"

    served = client.get(path, headers={"Origin": "https://verifier.example"})
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/did+ld+json"
    assert served.headers["access-control-allow-origin"] == "*"
    assert client.head(path).status_code == 200
    document = served.json()
    assert document["id"] == did
    assert document["assertionMethod"] == [method]
    assert "authentication" not in document
    [listed] = document["verificationMethod"]
    assert listed["id"] == method

    setup_as_web = replace(setup, instance_id=instance["id"], key_did=did)
    signed = issued(client, setup_as_web, credential({"id": did, "name": "Node"}))
    assert signed["issuer"] == {"id": did, "name": "Node"}
    assert signed["proof"]["verificationMethod"] == method
    public_key = public_key_from_multibase(listed["publicKeyMultibase"])
    assert verify_proof(signed, public_key=public_key, contexts=app.state.contexts).verified
    assert_problem(
        issue(client, setup_as_web, credential(did), statusPurpose="revocation"),
        422,
        "status-unavailable",
    )


def test_did_web_instances_are_checked(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing(client, app, db)

    def create(did: str) -> Any:
        body = {"name": "node", "did_method": "web", "did": did}
        return client.post(INSTANCES, headers=setup.headers, json=body)

    other = create("did:web:node.sep.gob.mx")
    assert other.status_code == 201, other.text
    assert other.json()["did_document_url"] == "https://node.sep.gob.mx/.well-known/did.json"
    assert_problem(create("did:web:node.sep.gob.mx"), 409, "issuer-instance-exists")
    for bad in ("did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r", "did:web:a/b"):
        assert_problem(create(bad), 422, "invalid-instance-did")
    assert_problem(create(setup.web_did + ":mine"), 422, "invalid-instance-did")
    assert_problem(
        client.get(f"/instances/{setup.instance_id}/did.json"), 404, "issuer-instance-not-found"
    )
    assert_problem(client.get("/instances/no-such/did.json"), 404, "issuer-instance-not-found")

"""Issuer instances: admins add did:key identities; their keys stay encrypted in the key store."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.crypto.multikey import public_key_from_did_key, public_key_to_multibase
from tests.factories import staff_headers
from tests.helpers import assert_problem
from tests.vcapi.factories import INSTANCES, issuing


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

"""What the W3C VC API issues verifies in an independent implementation (Digital Bazaar's
Data Integrity libraries, `tests/interop`): as the NASSC did:web with status entries, as a
did:key instance and as a did:web instance, each with the keys its DID document publishes;
a changed claim does not."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.interop.node_verifier import run_node_verifier_batch
from tests.vcapi.factories import INSTANCES, ISSUE, credential, issued, issuing


def _did_key_method(instance: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": instance["verification_method"],
        "type": "Multikey",
        "controller": instance["did"],
        "publicKeyMultibase": instance["public_key_multibase"],
    }


def test_vc_api_credentials_verify_in_the_node_verifier(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing(client, app, db)
    by_web = issued(
        client,
        setup,
        credential(setup.web_did, credentialSubject={"id": "did:example:alice"}),
        at=ISSUE,
        statusPurpose=["revocation", "suspension"],
    )
    by_key = issued(client, setup, credential({"id": setup.key_did, "name": "Conformance"}))
    key_instance = client.get(f"{INSTANCES}/{setup.instance_id}", headers=setup.headers).json()
    created = client.post(
        INSTANCES, headers=setup.headers, json={"name": "node", "did_method": "web"}
    )
    assert created.status_code == 201, created.text
    web_instance = created.json()
    as_node = replace(setup, instance_id=web_instance["id"], key_did=web_instance["did"])
    by_node = issued(client, as_node, credential(web_instance["did"]))
    node_document = client.get(f"/instances/{web_instance['id']}/did.json").json()

    methods = [
        *client.get("/.well-known/did.json").json()["verificationMethod"],
        _did_key_method(key_instance),
        *node_document["verificationMethod"],
    ]
    changed = {**by_key, "credentialSubject": {"id": "did:example:mallory"}}
    results = run_node_verifier_batch(
        [by_web, by_key, by_node, changed], methods, app.state.settings.contexts_dir
    )

    assert [result.verified for result in results] == [True, True, True, False], [
        result.error for result in results
    ]

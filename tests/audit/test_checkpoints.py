"""Signed checkpoints of the chain head: created, exported, verified, and able to expose a
database whose history was rewritten with every later hash re-computed."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jwcrypto import jwk, jws
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.audit import checkpoints, verification
from app.audit import service as audit_service
from app.audit.chain import event_hash
from app.audit.models import AuditEvent, AuditHead
from app.auth.roles import Role
from app.credentials.signing import current_signer
from app.crypto.rdfc import expand_strict
from app.db import utcnow
from app.keys import service as keys_service
from tests.audit.helpers import AUDIT, append, events, staff
from tests.factories import ensure_signing_key
from tests.helpers import assert_problem

CHECKPOINTS = f"{AUDIT}/checkpoints"
DID = "did:web:testserver"


def create(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(CHECKPOINTS, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def check(client: TestClient, headers: dict[str, str], exported: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{CHECKPOINTS}/verify", headers=headers, json=exported)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def payload_of(token: str) -> dict[str, Any]:
    segment = token.split(".")[1]
    padded = segment + "=" * (-len(segment) % 4)
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return decoded


def rewrite_history(db: Session, *, seq: int) -> None:
    """What an attacker with database access does: edit an event, then re-compute every
    later hash and link, and the head, so that the chain verifies again."""
    prev_hash: str | None = None
    for event in events(db):
        if event.seq < seq:
            prev_hash = event.hash
            continue
        if event.seq == seq:
            event.summary = {"before": None, "after": {"note": "nothing to see"}}
        assert prev_hash is not None
        event.prev_hash = prev_hash
        event.hash = prev_hash = event_hash(audit_service.fields_of(event))
    db.execute(update(AuditHead).values(head_hash=prev_hash))
    db.commit()


def test_a_checkpoint_signs_the_head_including_its_own_event(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    kid = ensure_signing_key(app, db)
    admin, admin_id = staff(client, db, Role.admin)
    append(db, 5)
    exported = create(client, admin)
    [event] = events(db, action="audit.checkpoint")
    # key.create, user.create, auth.login, five appends, then the checkpoint itself
    assert exported["seq"] == event.seq == 9
    assert exported["head_hash"] == event.hash
    assert (event.actor, event.actor_role) == (f"user:{admin_id}", "admin")
    assert event.summary == {"before": None, "after": {"kid": kid}}

    header = jwt.get_unverified_header(exported["jwt"])
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": f"{DID}#{kid}"}
    document = payload_of(exported["jwt"])
    assert document["type"] == ["VerifiableCredential", "AuditCheckpoint"]
    assert document["issuer"] == DID
    assert document["credentialSubject"] == {
        "id": "urn:nassc:audit-log",
        "type": "AuditLog",
        "sequence": 9,
        "headHash": event.hash,
    }


def test_the_checkpoint_document_is_lossless_json_ld(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    admin, _ = staff(client, db, Role.admin)
    # key.create, user.create, auth.login, then the checkpoint (4)
    document = payload_of(create(client, admin)["jwt"])
    [expanded] = expand_strict(document, app.state.contexts)
    [subject] = expanded["https://www.w3.org/2018/credentials#credentialSubject"]
    assert subject["https://nassc.org/ns/audit#sequence"] == [
        {"@value": 4, "@type": "http://www.w3.org/2001/XMLSchema#integer"}
    ]
    assert "https://nassc.org/ns/audit#headHash" in subject


def test_an_exported_checkpoint_verifies_with_a_second_library_and_the_api(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    admin, _ = staff(client, db, Role.admin)
    exported = create(client, admin)
    [key] = client.get("/.well-known/jwks.json").json()["keys"]
    signed = jws.JWS()
    signed.deserialize(exported["jwt"])
    signed.verify(jwk.JWK(**key), alg="EdDSA")
    assert json.loads(signed.payload)["credentialSubject"]["headHash"] == exported["head_hash"]

    listed = client.get(CHECKPOINTS, headers=admin).json()
    assert listed["total"] == 1
    assert listed["items"] == [exported]
    report = check(client, admin, exported)
    assert report == {
        "verified": True,
        "seq": exported["seq"],
        "head_hash": exported["head_hash"],
        "issued_at": payload_of(exported["jwt"])["validFrom"],
        "verification_method": f"{DID}#{key['kid'].split('#')[1]}",
        "problems": [],
    }


def test_later_events_and_key_rotation_do_not_invalidate_a_checkpoint(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    admin, _ = staff(client, db, Role.admin)
    exported = create(client, admin)
    append(db, 4)
    keys_service.rotate_key(db, store=app.state.key_store, now=utcnow())
    db.commit()
    assert check(client, admin, {"jwt": exported["jwt"]})["verified"] is True
    assert verification.verify_chain(db).ok


def test_a_rewritten_history_verifies_as_a_chain_but_not_against_the_checkpoint(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    admin, _ = staff(client, db, Role.admin)
    append(db, 6)
    exported = create(client, admin)
    append(db, 3)
    rewrite_history(db, seq=3)

    assert client.get(f"{AUDIT}/verify", headers=admin).json()["ok"] is True
    report = check(client, admin, exported)
    assert report["verified"] is False
    assert [problem["code"] for problem in report["problems"]] == ["hash-mismatch"]
    assert report["seq"] == exported["seq"]


def test_a_checkpoint_beyond_a_truncated_chain_is_missing(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    admin, _ = staff(client, db, Role.admin)
    append(db, 3)
    exported = create(client, admin)
    db.execute(delete(AuditEvent).where(AuditEvent.seq >= exported["seq"]))
    db.execute(update(AuditHead).values(seq=exported["seq"] - 1, head_hash=events(db)[-1].hash))
    db.commit()
    report = check(client, admin, exported)
    assert [problem["code"] for problem in report["problems"]] == ["missing-event"]


def test_forged_and_altered_checkpoints_are_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    kid = ensure_signing_key(app, db)
    admin, _ = staff(client, db, Role.admin)
    exported = create(client, admin)
    header, _, signature = exported["jwt"].split(".")
    altered = payload_of(exported["jwt"])
    altered["credentialSubject"]["sequence"] = 1
    forged_payload = base64.urlsafe_b64encode(json.dumps(altered).encode()).rstrip(b"=").decode()
    other_key = jwt.encode(
        altered,
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"typ": "vc+jwt", "cty": "vc", "kid": f"{DID}#{kid}"},
    )
    for token in (f"{header}.{forged_payload}.{signature}", other_key, "not-a-jws"):
        report = check(client, admin, {"jwt": token})
        assert report["verified"] is False
        assert [problem["code"] for problem in report["problems"]] == ["signature"]


def test_a_signed_document_that_is_not_a_checkpoint_is_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    admin, _ = staff(client, db, Role.admin)
    signer = current_signer(
        db,
        settings=app.state.settings,
        cache=app.state.key_cache,
        contexts=app.state.contexts,
    )
    document = checkpoints.build_checkpoint(issuer=DID, seq=1, head_hash="a" * 64, created=utcnow())
    document["type"] = ["VerifiableCredential"]
    report = check(client, admin, {"jwt": signer.vc_jwt(document)})
    assert [problem["code"] for problem in report["problems"]] == ["format"]


def test_the_command_line_creates_checkpoints_as_the_system(app: FastAPI, db: Session) -> None:
    ensure_signing_key(app, db)
    append(db, 2)
    signer = current_signer(
        db,
        settings=app.state.settings,
        cache=app.state.key_cache,
        contexts=app.state.contexts,
    )
    checkpoint = checkpoints.create_checkpoint(db, signer=signer, now=utcnow())
    db.commit()
    [event] = events(db, action="audit.checkpoint")
    # key.create, two appends, then the checkpoint itself
    assert (event.actor, event.actor_role, checkpoint.seq) == ("system", "system", 4)
    result = checkpoints.verify_checkpoint(
        db, token=checkpoints.checkpoint_jwt(checkpoint), settings=app.state.settings
    )
    assert result.verified, result.problems


def test_who_may_create_list_and_verify_checkpoints(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    admin, _ = staff(client, db, Role.admin)
    auditor, _ = staff(client, db, Role.auditor)
    registrar, _ = staff(client, db, Role.registrar)
    assert_problem(client.post(CHECKPOINTS, headers=admin), 503, "no-signing-key")
    assert db.scalar(select(AuditEvent.id).where(AuditEvent.action == "audit.checkpoint")) is None
    ensure_signing_key(app, db)
    exported = create(client, admin)
    assert_problem(client.post(CHECKPOINTS, headers=auditor), 403, "forbidden")
    assert client.get(CHECKPOINTS, headers=auditor).status_code == 200
    assert check(client, auditor, exported)["verified"] is True
    assert_problem(client.get(CHECKPOINTS, headers=registrar), 403, "forbidden")
    assert_problem(
        client.post(f"{CHECKPOINTS}/verify", headers=registrar, json=exported), 403, "forbidden"
    )
    assert_problem(client.post(CHECKPOINTS), 401, "unauthorized")

"""Revoking, suspending and reinstating over the admin API, one at a time and in bulk."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.credentials.models import Credential, CredentialStatus
from app.crypto.data_integrity import verify_proof
from app.crypto.multikey import public_key_from_multibase
from app.db import make_sessionmaker, utcnow
from app.standards.models import Standard
from app.status import service as status_service
from app.status.models import StatusList
from app.status.schemas import StatusAction
from tests.factories import create_provider, ensure_signing_key, provider_headers, staff_headers
from tests.helpers import assert_problem
from tests.status.factories import (
    create_credential,
    create_credentials,
    seeded_standard,
    set_bits,
    signer_for,
)

ADMIN = "/api/v1/admin/credentials"
BULK = f"{ADMIN}/status-changes"


@pytest.fixture
def standard(app: FastAPI, db: Session) -> Standard:
    ensure_signing_key(app, db)
    return seeded_standard(app, db)


@pytest.fixture
def staff(client: TestClient, db: Session) -> dict[str, str]:
    return staff_headers(client, db, Role.registrar)


def published(client: TestClient, list_id: int) -> dict[str, Any]:
    response = client.get(f"/status/{list_id}")
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def bits(client: TestClient, list_id: int) -> set[int]:
    return set_bits(published(client, list_id)["credentialSubject"]["encodedList"])


def reload(db: Session, credential_id: str) -> Credential:
    db.expire_all()
    return db.scalars(select(Credential).where(Credential.id == credential_id)).one()


def test_revoking_sets_exactly_that_bit_in_a_verifiable_list(
    client: TestClient, app: FastAPI, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    kid = ensure_signing_key(app, db)
    target, bystander = create_credentials(db, standard=standard, count=2)
    assert target.revocation_list_id == bystander.revocation_list_id
    list_id = target.revocation_list_id
    assert bits(client, list_id) == set()

    response = client.post(
        f"{ADMIN}/{target.id}/revoke", headers=staff, json={"reason": "Fraudulent assessment"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["id"] == target.id
    assert body["status"] == "revoked"
    assert body["status_reason"] == "Fraudulent assessment"
    assert body["status_changed_at"]
    assert body["lists_republished"] == [f"http://testserver/status/{list_id}"]

    document = published(client, list_id)
    assert set_bits(document["credentialSubject"]["encodedList"]) == {target.revocation_index}
    result = verify_proof(
        document, public_key=public_key_from_multibase(kid), contexts=app.state.contexts
    )
    assert result.verified, result.problems

    stored = reload(db, target.id)
    assert stored.status == CredentialStatus.revoked
    assert stored.status_reason == "Fraudulent assessment"
    assert stored.status_changed_at is not None
    assert reload(db, bystander.id).status == CredentialStatus.active
    status_list = db.get_one(StatusList, list_id)
    assert status_list.revision == status_list.signed_revision == 1
    # The suspension list is not touched by a revocation.
    assert bits(client, target.suspension_list_id) == set()


def test_suspend_then_reinstate_flips_the_suspension_bit(
    client: TestClient, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    credential = create_credential(db, standard=standard)
    suspended = client.post(
        f"{ADMIN}/{credential.id}/suspend", headers=staff, json={"reason": "Under review"}
    )
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    assert bits(client, credential.suspension_list_id) == {credential.suspension_index}
    assert bits(client, credential.revocation_list_id) == set()

    reinstated = client.post(f"{ADMIN}/{credential.id}/reinstate", headers=staff)
    assert reinstated.status_code == 200, reinstated.text
    assert reinstated.json()["status"] == "active"
    assert reinstated.json()["status_reason"] is None
    assert bits(client, credential.suspension_list_id) == set()
    assert reload(db, credential.id).status == CredentialStatus.active

    again = client.post(
        f"{ADMIN}/{credential.id}/suspend", headers=staff, json={"reason": "Second review"}
    )
    assert again.status_code == 200
    with_reason = client.post(
        f"{ADMIN}/{credential.id}/reinstate", headers=staff, json={"reason": "Cleared"}
    )
    assert with_reason.json()["status_reason"] == "Cleared"
    assert reload(db, credential.id).status_reason == "Cleared"


def test_revoking_a_suspended_credential_clears_its_suspension_bit(
    client: TestClient, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    credential = create_credential(db, standard=standard)
    client.post(f"{ADMIN}/{credential.id}/suspend", headers=staff, json={"reason": "Review"})
    assert bits(client, credential.suspension_list_id) == {credential.suspension_index}

    response = client.post(f"{ADMIN}/{credential.id}/revoke", headers=staff, json={"reason": "X"})
    assert response.status_code == 200
    assert sorted(response.json()["lists_republished"]) == sorted(
        f"http://testserver/status/{list_id}"
        for list_id in (credential.revocation_list_id, credential.suspension_list_id)
    )
    assert bits(client, credential.revocation_list_id) == {credential.revocation_index}
    assert bits(client, credential.suspension_list_id) == set()


def test_revocation_is_permanent(
    client: TestClient, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    credential = create_credential(db, standard=standard)
    client.post(f"{ADMIN}/{credential.id}/revoke", headers=staff, json={"reason": "Fraud"})
    list_revision = db.get_one(StatusList, credential.revocation_list_id).revision

    twice = client.post(f"{ADMIN}/{credential.id}/revoke", headers=staff, json={"reason": "Again"})
    assert_problem(twice, 409, "credential-already-revoked")
    reinstated = client.post(f"{ADMIN}/{credential.id}/reinstate", headers=staff, json={})
    assert_problem(reinstated, 409, "credential-revoked")
    suspended = client.post(f"{ADMIN}/{credential.id}/suspend", headers=staff, json={"reason": "x"})
    assert_problem(suspended, 409, "credential-revoked")

    stored = reload(db, credential.id)
    assert (stored.status, stored.status_reason) == ("revoked", "Fraud")
    db.expire_all()
    assert db.get_one(StatusList, credential.revocation_list_id).revision == list_revision
    assert bits(client, credential.revocation_list_id) == {credential.revocation_index}


def test_changes_that_do_not_apply_are_409(
    client: TestClient, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    credential = create_credential(db, standard=standard)
    not_suspended = client.post(f"{ADMIN}/{credential.id}/reinstate", headers=staff)
    assert_problem(not_suspended, 409, "credential-not-suspended")
    client.post(f"{ADMIN}/{credential.id}/suspend", headers=staff, json={"reason": "Review"})
    twice = client.post(f"{ADMIN}/{credential.id}/suspend", headers=staff, json={"reason": "x"})
    assert_problem(twice, 409, "credential-already-suspended")


def test_unknown_credential_is_404(
    client: TestClient, standard: Standard, staff: dict[str, str]
) -> None:
    for action, body in (("revoke", {"reason": "x"}), ("suspend", {"reason": "x"})):
        response = client.post(f"{ADMIN}/no-such-id/{action}", headers=staff, json=body)
        assert_problem(response, 404, "credential-not-found")
    response = client.post(f"{ADMIN}/no-such-id/reinstate", headers=staff)
    assert_problem(response, 404, "credential-not-found")


def test_a_reason_is_required_to_revoke_or_suspend(
    client: TestClient, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    credential = create_credential(db, standard=standard)
    for action in ("revoke", "suspend"):
        missing = client.post(f"{ADMIN}/{credential.id}/{action}", headers=staff)
        problem = assert_problem(missing, 422, "validation-error")
        assert problem["errors"] == [
            {"loc": ["body", "reason"], "msg": "Field required", "type": "missing"}
        ]
        for body in ({}, {"reason": "   "}, {"reason": "x" * 1001}):
            response = client.post(f"{ADMIN}/{credential.id}/{action}", headers=staff, json=body)
            assert_problem(response, 422, "validation-error")
    assert reload(db, credential.id).status == CredentialStatus.active


def test_an_unknown_action_is_422_and_changes_nothing(
    client: TestClient, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    credential = create_credential(db, standard=standard)
    for action in ("delete", "unsuspend", "REVOKE", "status-changes"):
        response = client.post(
            f"{ADMIN}/{credential.id}/{action}", headers=staff, json={"reason": "x"}
        )
        problem = assert_problem(response, 422, "validation-error")
        assert problem["errors"][0]["loc"] == ["path", "action"]
    assert reload(db, credential.id).status == CredentialStatus.active


def test_one_operation_changes_a_credential_status(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    admin = sorted(path for path in paths if path.startswith(f"{ADMIN}/{{credential_id}}"))
    assert admin == [f"{ADMIN}/{{credential_id}}/{{action}}"]
    operation = paths[admin[0]]["post"]
    action = next(p for p in operation["parameters"] if p["name"] == "action")
    schema = client.get("/openapi.json").json()["components"]["schemas"]["StatusAction"]
    assert action["in"] == "path"
    assert action["schema"] == {"$ref": "#/components/schemas/StatusAction"}
    assert schema["enum"] == ["revoke", "suspend", "reinstate"]


def test_bulk_by_filter_changes_exactly_the_matching_credentials(
    client: TestClient, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    now = utcnow()
    provider = create_provider(db).id
    other_provider = create_provider(db).id
    in_range = create_credentials(
        db, standard=standard, count=3, provider_id=provider, issued_at=now - timedelta(days=5)
    )
    already = create_credential(
        db,
        standard=standard,
        provider_id=provider,
        issued_at=now - timedelta(days=4),
        status=CredentialStatus.revoked,
    )
    too_old = create_credential(
        db, standard=standard, provider_id=provider, issued_at=now - timedelta(days=10)
    )
    too_new = create_credential(db, standard=standard, provider_id=provider, issued_at=now)
    elsewhere = create_credential(
        db, standard=standard, provider_id=other_provider, issued_at=now - timedelta(days=5)
    )

    response = client.post(
        BULK,
        headers=staff,
        json={
            "action": "revoke",
            "reason": "Provider lost accreditation",
            "filter": {
                "provider_id": provider,
                "issued_from": (now - timedelta(days=6)).isoformat(),
                "issued_to": (now - timedelta(days=1)).isoformat(),
            },
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["action"] == "revoke"
    assert body["changed"] == sorted(c.id for c in in_range)
    assert body["skipped"] == [{"id": already.id, "reason": "credential-already-revoked"}]
    [list_url] = body["lists_republished"]
    list_id = int(list_url.rsplit("/", 1)[1])

    # The pre-revoked row was inserted directly, so its bit appears once the list is rebuilt.
    assert bits(client, list_id) == {c.revocation_index for c in [*in_range, already]}
    for credential in (too_old, too_new, elsewhere):
        assert reload(db, credential.id).status == CredentialStatus.active
    for credential in in_range:
        stored = reload(db, credential.id)
        assert (stored.status, stored.status_reason) == ("revoked", "Provider lost accreditation")


def test_bulk_by_standard_and_status(
    client: TestClient, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    active = create_credential(db, standard=standard)
    suspended = create_credential(db, standard=standard, status=CredentialStatus.suspended)
    response = client.post(
        BULK,
        headers=staff,
        json={
            "action": "reinstate",
            "filter": {"standard_code": standard.code, "status": "suspended"},
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["changed"] == [suspended.id]
    assert response.json()["skipped"] == []
    assert reload(db, active.id).status == CredentialStatus.active

    none = client.post(
        BULK,
        headers=staff,
        json={"action": "revoke", "reason": "x", "filter": {"standard_code": "NO-SUCH-CODE"}},
    )
    assert none.status_code == 200
    assert none.json() == {
        "action": "revoke",
        "changed": [],
        "skipped": [],
        "lists_republished": [],
    }


def test_bulk_by_ids_skips_what_does_not_apply(
    client: TestClient, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    active = create_credential(db, standard=standard)
    revoked = create_credential(db, standard=standard, status=CredentialStatus.revoked)
    suspended = create_credential(db, standard=standard, status=CredentialStatus.suspended)
    response = client.post(
        BULK,
        headers=staff,
        json={
            "action": "suspend",
            "reason": "Audit",
            "credential_ids": [revoked.id, active.id, suspended.id, active.id],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["changed"] == [active.id]
    assert sorted(body["skipped"], key=lambda s: s["id"]) == sorted(
        [
            {"id": revoked.id, "reason": "credential-revoked"},
            {"id": suspended.id, "reason": "credential-already-suspended"},
        ],
        key=lambda s: s["id"],
    )
    assert bits(client, active.suspension_list_id) == {
        active.suspension_index,
        suspended.suspension_index,
    }


def test_bulk_with_an_unknown_id_changes_nothing(
    client: TestClient, db: Session, standard: Standard, staff: dict[str, str]
) -> None:
    credential = create_credential(db, standard=standard)
    response = client.post(
        BULK,
        headers=staff,
        json={"action": "revoke", "reason": "x", "credential_ids": [credential.id, "typo"]},
    )
    body = assert_problem(response, 404, "credential-not-found")
    assert body["credential_ids"] == ["typo"]
    assert reload(db, credential.id).status == CredentialStatus.active


@pytest.mark.parametrize(
    "body",
    [
        {"action": "revoke", "reason": "x"},
        {"action": "revoke", "reason": "x", "credential_ids": ["a"], "filter": {"provider_id": 1}},
        {"action": "revoke", "reason": "x", "filter": {}},
        {"action": "revoke", "credential_ids": ["a"]},
        {"action": "suspend", "credential_ids": ["a"]},
        {"action": "delete", "reason": "x", "credential_ids": ["a"]},
        {"action": "revoke", "reason": "x", "credential_ids": []},
        {"action": "revoke", "reason": "x", "credential_ids": [f"id-{n}" for n in range(10_001)]},
        {
            "action": "revoke",
            "reason": "x",
            "filter": {"issued_from": "2026-02-01T00:00:00Z", "issued_to": "2026-01-01T00:00:00Z"},
        },
        {"action": "revoke", "reason": "x", "filter": {"issued_from": "2026-02-01T00:00:00"}},
        {"action": "revoke", "reason": "x", "filter": {"provider_id": 1, "extra": True}},
    ],
)
def test_bulk_requests_that_do_not_validate_are_422(
    client: TestClient, standard: Standard, staff: dict[str, str], body: dict[str, Any]
) -> None:
    assert_problem(client.post(BULK, headers=staff, json=body), 422, "validation-error")


def test_a_filter_matching_more_than_the_cap_is_refused(
    client: TestClient,
    db: Session,
    standard: Standard,
    staff: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(status_service, "MAX_CREDENTIALS_PER_CHANGE", 2)
    provider = create_provider(db).id
    credentials = create_credentials(db, standard=standard, count=3, provider_id=provider)
    response = client.post(
        BULK,
        headers=staff,
        json={"action": "revoke", "reason": "x", "filter": {"provider_id": provider}},
    )
    body = assert_problem(response, 422, "too-many-credentials")
    assert body["limit"] == 2
    assert all(reload(db, c.id).status == CredentialStatus.active for c in credentials)


def test_only_admins_and_registrars_change_statuses(
    client: TestClient, db: Session, standard: Standard
) -> None:
    credential = create_credential(db, standard=standard)
    url = f"{ADMIN}/{credential.id}/revoke"
    body = {"reason": "x"}
    provider = provider_headers(client, db, create_provider(db))
    assert_problem(client.post(url, headers=provider, json=body), 403, "forbidden")
    auditor = staff_headers(client, db, Role.auditor)
    assert_problem(client.post(url, headers=auditor, json=body), 403, "forbidden")
    assert_problem(client.post(url, json=body), 401, "unauthorized")
    bulk = {"action": "revoke", "reason": "x", "credential_ids": [credential.id]}
    assert_problem(client.post(BULK, headers=provider, json=bulk), 403, "forbidden")
    assert reload(db, credential.id).status == CredentialStatus.active

    admin = staff_headers(client, db, Role.admin)
    assert client.post(url, headers=admin, json=body).status_code == 200


def test_concurrent_revocations_on_one_list_are_all_published(
    app: FastAPI, client: TestClient, db: Session, standard: Standard
) -> None:
    credentials = create_credentials(db, standard=standard, count=8)
    [list_id] = {c.revocation_list_id for c in credentials}
    factory = make_sessionmaker(app.state.engine)
    barrier = threading.Barrier(len(credentials))
    errors: list[BaseException] = []

    def revoke(credential_id: str) -> None:
        with factory() as session:
            try:
                signer = signer_for(app, session)
                barrier.wait()
                status_service.change_statuses(
                    session,
                    action=StatusAction.revoke,
                    credential_ids=[credential_id],
                    reason="concurrent",
                    signer=signer,
                    base_url="http://testserver",
                    now=utcnow(),
                )
                session.commit()
            except BaseException as error:  # reported by the main thread
                session.rollback()
                errors.append(error)

    threads = [threading.Thread(target=revoke, args=(c.id,)) for c in credentials]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert bits(client, list_id) == {c.revocation_index for c in credentials}
    db.expire_all()
    status_list = db.get_one(StatusList, list_id)
    assert status_list.revision == status_list.signed_revision == len(credentials)

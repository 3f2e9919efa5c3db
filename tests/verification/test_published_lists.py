"""Verification reads this service's status lists as published: it never signs or writes one.

A foreign verifier can only read the signed list at the list's URL; ours reads the same
document from the database. Lists are published at issuance and when they change, so an
anonymous verification never causes a signature or a write to a list.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.credentials.models import Credential
from app.credentials.signing import IssuerSigner
from app.status.models import StatusList
from tests.verification.factories import FORMS, codes, form_of, issued_credential, statuses, verify

WRITES = ("INSERT", "UPDATE", "DELETE")


def list_ids(db: Session, credential_id: str) -> list[int]:
    """The revocation and suspension list ids of one of our credentials."""
    credential = db.get_one(Credential, credential_id)
    return [credential.revocation_list_id, credential.suspension_list_id]


def stored_lists(db: Session, ids: list[int]) -> list[tuple[int, int, Any]]:
    """Each list's revision, signed revision and signed credential, read afresh."""
    db.expire_all()
    rows = db.execute(
        select(StatusList.revision, StatusList.signed_revision, StatusList.signed_credential)
        .where(StatusList.id.in_(ids))
        .order_by(StatusList.id)
    )
    return [tuple(row) for row in rows]


def refuse_signing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, record (and refuse) every use of the issuer's signing key."""
    used: list[str] = []

    def refuse(name: str) -> Any:
        def sign(*args: Any, **kwargs: Any) -> Any:
            used.append(name)
            raise AssertionError(f"the issuer's key signed ({name})")

        return sign

    monkeypatch.setattr(IssuerSigner, "data_integrity", refuse("data_integrity"))
    monkeypatch.setattr(IssuerSigner, "vc_jwt", refuse("vc_jwt"))
    return used


def test_issuance_publishes_the_new_lists(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    for revision, signed_revision, document in stored_lists(db, list_ids(db, issued["id"])):
        assert (revision, signed_revision) == (0, 0)
        assert document is not None
        assert document["proof"]["type"] == "DataIntegrityProof"


@pytest.mark.parametrize("form", FORMS)
def test_a_list_never_published_is_unknown_and_nothing_is_signed_or_written(
    client: TestClient,
    app: FastAPI,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
    form: str,
) -> None:
    _, issued = issued_credential(client, app, db)
    ids = list_ids(db, issued["id"])
    db.execute(
        update(StatusList)
        .where(StatusList.id.in_(ids))
        .values(signed_credential=None, signed_revision=-1)
    )
    db.commit()
    signatures = refuse_signing(monkeypatch)
    executed: list[str] = []

    def record(*args: Any) -> None:
        executed.append(str(args[2]))

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        body = verify(client, form_of(issued, form))  # anonymous: no credentials sent
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)

    assert signatures == []
    writes = [sql for sql in executed if sql.lstrip().upper().startswith(WRITES)]
    # The anonymous verification event is the request's only write.
    assert writes and all(
        sql.lstrip().startswith("INSERT INTO verification_event") for sql in writes
    )
    assert stored_lists(db, ids) == [(0, -1, None), (0, -1, None)]
    assert body["verified"] is False
    assert statuses(body)["revocation"] == statuses(body)["suspension"] == "unknown"
    assert codes(body)["revocation"] == "status-list-unavailable"

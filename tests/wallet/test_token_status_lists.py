"""Token Status Lists under bulk changes and key rotation, and tampered SD-JWT VCs."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.crypto import jws, sd_jwt
from app.crypto import token_status_list as tsl
from app.crypto.errors import SdJwtError
from tests.factories import staff_headers
from tests.wallet.factories import (
    another_credential,
    holder_key,
    issued_credential,
    key_resolver,
    path_of,
    token_status,
    wallet_copy,
)

BULK = "/api/v1/admin/credentials/status-changes"
TYPS = ("dc+sd-jwt",)


def test_a_bulk_revocation_re_signs_the_token_lists(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, first = issued_credential(client, app, db)
    second = another_credential(client, db, setup, name="Ana Ruiz")
    copies = [wallet_copy(app, db, credential, holder_key()) for credential in (first, second)]
    response = client.post(
        BULK,
        headers=setup.staff,
        json={"action": "revoke", "reason": "Withdrawn", "credential_ids": [first.id, second.id]},
    )
    assert response.status_code == 200, response.text
    assert sorted(response.json()["changed"]) == sorted([first.id, second.id])
    assert [token_status(client, copy, now=time.time())[0] for copy in copies] == [
        tsl.INVALID,
        tsl.INVALID,
    ]


def test_after_a_rotation_the_list_is_signed_by_the_new_key(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, credential = issued_credential(client, app, db)
    serialized = wallet_copy(app, db, credential, holder_key())
    _, before = token_status(client, serialized, now=time.time())
    admin = staff_headers(client, db, Role.admin)
    rotated = client.post("/api/v1/admin/keys/rotate?algorithm=ES256", headers=admin)
    assert rotated.status_code == 201, rotated.text
    status, after = token_status(client, serialized, now=time.time())
    assert status == tsl.VALID
    assert jws.decode(after).header["kid"].endswith("#" + rotated.json()["kid"])
    assert jws.decode(before).header["kid"] != jws.decode(after).header["kid"]
    # The credential signed by the old key still verifies: that key stays published.
    sd_jwt.verify(serialized, resolve_key=key_resolver(client), accepted_typ=TYPS, key_binding=None)


def test_edited_or_added_disclosures_are_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, credential = issued_credential(client, app, db)
    serialized = wallet_copy(app, db, credential, holder_key())
    token, disclosures, _ = sd_jwt.split(serialized)
    score = next(d for d in disclosures if d.name == "score")
    edited = serialized.replace(score.encoded, sd_jwt.make_disclosure("score", 100).encoded)
    added = serialized + sd_jwt.make_disclosure("score", 100).encoded + "~"
    for forged in (edited, added):
        with pytest.raises(SdJwtError):
            sd_jwt.verify(
                forged, resolve_key=key_resolver(client), accepted_typ=TYPS, key_binding=None
            )
    assert path_of(jws.decode(token).payload["vct"]).startswith("/vct/")

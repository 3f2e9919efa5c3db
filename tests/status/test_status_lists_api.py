"""`GET /status/{id}`: the signed BitstringStatusListCredential, caching and negotiation."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.credentials.models import Credential, CredentialStatus
from app.crypto.data_integrity import verify_proof
from app.crypto.jose import registered_claims
from app.crypto.multikey import public_key_from_multibase
from app.status.models import StatusList
from tests.factories import ensure_signing_key
from tests.helpers import assert_problem
from tests.interop.node_verifier import run_node_verifier_batch
from tests.status.factories import create_credential, seeded_standard, set_bits

DID = "did:web:testserver"
DATE_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture
def list_id(app: FastAPI, db: Session) -> int:
    """A revocation list with one (active) credential on it, and a signing key."""
    ensure_signing_key(app, db)
    credential = create_credential(db, standard=seeded_standard(app, db))
    return credential.revocation_list_id


def test_a_new_list_is_signed_on_first_fetch(
    client: TestClient, app: FastAPI, db: Session, list_id: int
) -> None:
    kid = ensure_signing_key(app, db)
    response = client.get(f"/status/{list_id}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document: dict[str, Any] = response.json()
    url = f"http://testserver/status/{list_id}"
    proof = document.pop("proof")
    assert document == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID,
        "validFrom": document["validFrom"],
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": document["credentialSubject"]["encodedList"],
            "ttl": 300_000,
        },
    }
    assert DATE_Z.match(document["validFrom"])
    assert set_bits(document["credentialSubject"]["encodedList"]) == set()
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == f"{DID}#{kid}"

    result = verify_proof(
        {**document, "proof": proof},
        public_key=public_key_from_multibase(kid),
        contexts=app.state.contexts,
    )
    assert result.verified, result.problems

    stored = db.scalars(
        select(StatusList).where(StatusList.id == list_id).execution_options(populate_existing=True)
    ).one()
    assert (stored.revision, stored.signed_revision) == (0, 0)


def test_the_list_verifies_with_an_independent_implementation(
    client: TestClient, app: FastAPI, list_id: int
) -> None:
    document = client.get(f"/status/{list_id}").json()
    methods = client.get("/.well-known/did.json").json()["verificationMethod"]
    [result] = run_node_verifier_batch([document], methods, app.state.settings.contexts_dir)
    assert result.verified, result.error


def test_etag_and_cache_headers(client: TestClient, list_id: int) -> None:
    first = client.get(f"/status/{list_id}")
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{64}"', etag)
    assert first.headers["cache-control"] == "public, max-age=300"
    assert first.headers["vary"] == "Accept"
    assert first.headers["access-control-allow-origin"] == "*"

    again = client.get(f"/status/{list_id}")
    assert again.headers["etag"] == etag
    assert again.content == first.content  # served as stored, not re-signed

    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        not_modified = client.get(f"/status/{list_id}", headers={"If-None-Match": header})
        assert not_modified.status_code == 304, header
        assert not_modified.content == b""
        assert not_modified.headers["etag"] == etag
        assert not_modified.headers["cache-control"] == "public, max-age=300"

    stale = client.get(f"/status/{list_id}", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200
    assert stale.content == first.content


def test_a_change_by_another_process_is_served_at_once(
    client: TestClient, app: FastAPI, db: Session, list_id: int
) -> None:
    # This process keeps what it served (`ServedLists`); another process's change moves the
    # row's revision, so the next read signs and serves the new list, not the kept copy.
    first = client.get(f"/status/{list_id}")
    assert client.get(f"/status/{list_id}").content == first.content  # the kept copy
    credential = create_credential(db, standard=seeded_standard(app, db))
    assert credential.revocation_list_id == list_id
    db.execute(
        update(Credential)
        .where(Credential.id == credential.id)
        .values(status=CredentialStatus.revoked.value)
    )
    db.execute(
        update(StatusList).where(StatusList.id == list_id).values(revision=StatusList.revision + 1)
    )
    db.commit()

    changed = client.get(f"/status/{list_id}")

    assert changed.headers["etag"] != first.headers["etag"]
    bits = set_bits(changed.json()["credentialSubject"]["encodedList"])
    assert credential.revocation_index in bits
    assert client.get(f"/status/{list_id}").content == changed.content


def test_application_vc_is_served_on_request(client: TestClient, list_id: int) -> None:
    plain = client.get(f"/status/{list_id}")
    vc = client.get(f"/status/{list_id}", headers={"Accept": "application/vc"})
    assert vc.status_code == 200
    assert vc.headers["content-type"] == "application/vc"
    assert vc.content == plain.content
    for accept in ("application/ld+json, */*;q=0.1", "text/html", "*/*"):
        other = client.get(f"/status/{list_id}", headers={"Accept": accept})
        assert other.headers["content-type"] == "application/json", accept


def test_vc_jwt_on_request_verifies_with_the_published_key(
    client: TestClient, list_id: int
) -> None:
    document = client.get(f"/status/{list_id}").json()
    response = client.get(
        f"/status/{list_id}", headers={"Accept": "application/vc+jwt, application/json;q=0.5"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vc+jwt"
    assert response.headers["etag"] != client.get(f"/status/{list_id}").headers["etag"]

    [key] = client.get("/.well-known/jwks.json").json()["keys"]
    token = jwcrypto_jws.JWS()
    token.deserialize(response.text)
    token.verify(jwcrypto_jwk.JWK(**key), alg="EdDSA")
    assert token.jose_header["typ"] == "vc+jwt"
    assert token.jose_header["kid"] == key["kid"]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    # The list credential, and the JWT claims derived from it (OB 3.0 §8.2: iss, jti, nbf…).
    assert json.loads(token.payload) == {**unsecured, **registered_claims(unsecured)}

    again = client.get(
        f"/status/{list_id}",
        headers={"Accept": "application/vc+jwt", "If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize("bad_id", ["999", "0", "abc", "99999999999", "1.5", "%C2%B2"])
def test_unknown_list_is_404(client: TestClient, list_id: int, bad_id: str) -> None:
    body = assert_problem(client.get(f"/status/{bad_id}"), 404, "status-list-not-found")
    assert body["instance"].startswith("/status/")


def test_the_list_needs_no_authentication(client: TestClient, list_id: int) -> None:
    response = client.get(f"/status/{list_id}", headers={"Authorization": "Bearer junk"})
    assert response.status_code == 200

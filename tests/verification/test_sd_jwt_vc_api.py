"""POST /api/v1/verify with an SD-JWT VC (`application/dc+sd-jwt`): every check, by HTTP.

The wallet copies are issued by our issuance service and presented with the holder's key;
each hostile variant is made by hand from a real one.
"""

from __future__ import annotations

import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.crypto import jws, sd_jwt
from app.errors import PROBLEM_BASE
from app.verification.models import VerificationEvent
from tests.helpers import assert_problem
from tests.verification.factories import VERIFY
from tests.verification.sd_jwt_factories import (
    SD_JWT_VC,
    bound,
    checks,
    resigned,
    verify_http,
    wallet_credential,
    with_added_disclosure,
    with_edited_disclosure,
    with_header,
    with_payload,
)


def test_a_wallet_copy_verifies_with_and_without_key_binding(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    held = wallet_credential(client, app, db)
    holder, serialized = held.holder, held.serialized
    body = verify_http(client, serialized)
    assert body["verified"] is True, body
    assert body["outcome"] == "verified"
    assert set(checks(body).values()) >= {("passed", "own-issuer"), ("passed", "not-revoked")}
    presented = bound(serialized, holder)
    body = verify_http(client, presented)
    assert body["verified"] is True, body
    assert checks(body)["proof"] == ("passed", "signature-valid")
    proof = next(check for check in body["checks"] if check["name"] == "proof")
    assert "Key Binding JWT is valid" in proof["detail"]
    assert db.scalar(select(func.count()).select_from(VerificationEvent)) == 2


def test_a_key_binding_by_another_key_is_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    serialized = wallet_credential(client, app, db).serialized
    body = verify_http(client, bound(serialized, Ed25519PrivateKey.generate()))
    assert body["verified"] is False
    assert body["outcome"] == "invalid"
    assert checks(body)["proof"] == ("failed", "key-binding-failed")


def test_an_edited_disclosure_is_tampering(client: TestClient, app: FastAPI, db: Session) -> None:
    serialized = wallet_credential(client, app, db).serialized
    body = verify_http(client, with_edited_disclosure(serialized, "score", 100))
    assert body["outcome"] == "tampered"
    assert checks(body)["proof"] == ("failed", "disclosure-mismatch")


def test_a_disclosure_no_digest_references_is_an_error_not_dropped(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    serialized = wallet_credential(client, app, db).serialized
    body = verify_http(client, with_added_disclosure(serialized))
    assert body["outcome"] == "tampered"
    proof = next(check for check in body["checks"] if check["name"] == "proof")
    assert (proof["status"], proof["code"]) == ("failed", "disclosure-mismatch")
    assert "referenced by no digest" in proof["detail"]


def test_an_edited_issuer_payload_is_tampering(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    serialized = wallet_credential(client, app, db).serialized
    body = verify_http(client, with_payload(serialized, lambda c: c.update(exp=4_102_444_800)))
    assert body["outcome"] == "tampered"
    assert checks(body)["proof"] == ("failed", "signature-mismatch")


def test_alg_none_is_refused_before_any_signature_is_checked(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    serialized = wallet_credential(client, app, db).serialized
    header = jws.decode(sd_jwt.split(serialized)[0]).header
    body = verify_http(client, with_header(serialized, {**header, "alg": "none"}))
    assert body["outcome"] == "invalid"
    assert checks(body)["proof"] == ("failed", "unsupported-proof")
    response = client.post(
        VERIFY,
        content=with_header(serialized, {**header, "alg": "none"}, signature=""),
        headers={"Content-Type": SD_JWT_VC},
    )
    assert_problem(response, 400, "unverifiable-input")


def test_an_issuer_outside_the_registry_is_unknown(client: TestClient) -> None:
    key = Ed25519PrivateKey.generate()
    serialized, _ = sd_jwt.issue(
        {
            "iss": "https://elsewhere.example",
            "vct": "https://elsewhere.example/vct/x",
            "iat": int(time.time()),
            "name": sd_jwt.Disclosable("Ana"),
        },
        private_key=key,
        headers={"typ": "dc+sd-jwt", "kid": "did:web:elsewhere.example#k1"},
    )
    body = verify_http(client, serialized)
    assert body["outcome"] == "unknown-issuer"
    assert checks(body)["issuer"] == ("failed", "untrusted-issuer")
    assert checks(body)["proof"] == ("unknown", "not-checked")


def test_a_signature_by_another_key_of_ours_name_is_wrong_key(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    serialized = wallet_credential(client, app, db).serialized
    token = sd_jwt.split(serialized)[0]
    decoded = jws.decode(token)
    forged = jws.sign(
        decoded.payload,
        private_key=Ed25519PrivateKey.generate(),
        headers={"typ": "dc+sd-jwt", "kid": "did:web:testserver#not-a-key"},
    )
    body = verify_http(client, serialized.replace(token, forged, 1))
    assert body["outcome"] == "wrong-key"
    assert checks(body)["proof"] == ("failed", "unknown-key")


def test_garbage_sd_jwt_is_a_problem(client: TestClient) -> None:
    for body in (b"no-tilde.at.all", b"a.b.c~%%%~", "ñ~".encode()):
        response = client.post(VERIFY, content=body, headers={"Content-Type": SD_JWT_VC})
        assert_problem(response, 400, "unverifiable-input")


def test_the_json_api_takes_an_sd_jwt_vc_string_and_reports_the_disclosures(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    held = wallet_credential(client, app, db)
    presented = bound(held.serialized, held.holder, keep=("score", "name"))
    response = client.post(VERIFY, json={"credential": presented})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["format"] == "dc+sd-jwt"
    disclosure = body["disclosure"]
    assert disclosure["key_bound"] is True and disclosure["vct_known"] is True
    assert sorted(item["name"] for item in disclosure["disclosed"]) == ["name", "score"]
    withheld = {item["name"]: item for item in disclosure["withheld"]}
    assert {"provider", "units[]"} <= set(withheld)
    assert withheld["provider"]["labels"]["es-MX"] == "Centro de formación"
    assert disclosure["claims"]["name"] == body["summary"]["holder_name"]
    assert "provider" not in disclosure["claims"]
    assert body["summary"]["standard"]["code"] == held.credential.standard.code
    assert body["summary"]["issuer"]["own"] is True


def test_the_vc_api_verifies_an_enveloped_sd_jwt_vc(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    held = wallet_credential(client, app, db)
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": "data:application/dc+sd-jwt," + bound(held.serialized, held.holder),
    }
    response = client.post("/credentials/verify", json={"verifiableCredential": enveloped})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["errors"] == []
    [proof] = body["results"]["proof"]
    assert proof["verified"] is True
    assert proof["input"]["mediaType"] == "application/dc+sd-jwt"
    [status] = body["results"]["credentialStatus"]
    assert status["value"] == 0 and status["verified"] is True
    assert status["input"]["uri"].startswith("http://testserver/status/tsl/")


def test_the_vc_api_answers_a_tampered_sd_jwt_vc_with_400_and_errors(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    serialized = wallet_credential(client, app, db).serialized
    response = client.post(
        "/credentials/verify", json={"verifiableCredential": with_added_disclosure(serialized)}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["verified"] is False
    assert body["errors"] == body["problemDetails"]
    types = [problem["type"] for problem in body["errors"]]
    assert types[0] == PROBLEM_BASE + "verification/disclosure-mismatch"
    assert body["results"]["proof"][0]["verified"] is False


def test_an_expired_sd_jwt_vc_is_expired(client: TestClient, app: FastAPI, db: Session) -> None:
    held = wallet_credential(client, app, db)
    past = int(time.time()) - 86_400
    expired = resigned(app, db, held.serialized, lambda c: c.update(nbf=past - 60, exp=past))
    body = verify_http(client, expired)
    assert body["outcome"] == "expired"
    assert checks(body)["validity"] == ("failed", "expired")
    assert checks(body)["proof"] == ("passed", "signature-valid")


def test_a_status_list_that_does_not_exist_leaves_the_status_unknown(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    held = wallet_credential(client, app, db)
    nowhere = {"status_list": {"idx": 3, "uri": "http://testserver/status/tsl/999999"}}
    elsewhere = resigned(app, db, held.serialized, lambda c: c.update(status=nowhere))
    body = verify_http(client, elsewhere)
    assert body["verified"] is False
    assert body["outcome"] == "status-unknown"
    assert checks(body)["revocation"] == ("unknown", "status-list-unavailable")
    assert checks(body)["suspension"] == ("unknown", "status-list-unavailable")


def test_a_selectively_disclosable_status_breaks_the_sd_jwt_vc_rules(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    held = wallet_credential(client, app, db)
    hidden = resigned(app, db, held.serialized, lambda c: None, disclose=("status",))
    body = verify_http(client, hidden)
    assert body["outcome"] == "invalid"
    schema = next(check for check in body["checks"] if check["name"] == "schema")
    assert (schema["status"], schema["code"]) == ("failed", "nonconformant")
    assert "status must never be selectively disclosable" in schema["detail"]


def test_a_type_not_known_here_names_no_withheld_property(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    held = wallet_credential(client, app, db)
    other = resigned(
        app,
        db,
        held.serialized,
        lambda c: c.update(vct="https://elsewhere.example/vct/x"),
        disclose=("name", "score"),
    )
    body = verify_http(client, sd_jwt.present(other, lambda d: d.name == "score"))
    assert body["verified"] is True, body
    assert body["disclosure"]["vct_known"] is False
    assert [item["name"] for item in body["disclosure"]["disclosed"]] == ["score"]
    assert body["disclosure"]["withheld"] == []
    schema = next(check for check in body["checks"] if check["name"] == "schema")
    assert "not known here" in schema["detail"]

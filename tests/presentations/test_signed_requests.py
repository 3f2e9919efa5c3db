"""Signed OpenID4VP requests by reference: client id `decentralized_identifier:` and our
did:web, a Request Object (RFC 9101) signed by the verifier's key of our DID document
(listed under `authentication` only), fetched with `request_uri_method=post`.

The wallet simulator checks each Request Object as a wallet does
(`tests.wallet.request_objects`), then answers in each format; tampered or wrongly signed
Request Objects are refused by it. The `redirect_uri:` flow is unchanged
(`test_openid4vp.py`).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.crypto import jws, sd_jwt
from app.db import utcnow
from app.keys import service as keys_service
from app.keys.models import KeyAlgorithm, KeyPurpose, SigningKey
from app.presentations.models import PresentationRequest
from tests.helpers import assert_problem
from tests.presentations.factories import API, Worker, worker_with_wallet
from tests.verification.sd_jwt_factories import checks, verify_http
from tests.wallet.factories import (
    answer,
    jwt_presentation,
    ldp_presentation,
    read_request_link,
    sd_jwt_presentation,
)
from tests.wallet.request_objects import (
    RequestObjectRefused,
    resolve_did_web,
    verify_request_object,
)

DID = "did:web:testserver"
DID_CLIENT_ID = f"decentralized_identifier:{DID}"
ALL_FORMATS = ["dc+sd-jwt", "ldp_vc", "jwt_vc_json"]


def _made(client: TestClient, worker: Worker, formats: list[str] = ALL_FORMATS) -> dict[str, Any]:
    made = client.post(
        API,
        headers=worker.setup.provider,
        json={"standard_code": worker.setup.standard.code, "claims": ["name"], "formats": formats},
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def _link_parameters(link: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}


def _verifier_kid(client: TestClient) -> str:
    [kid] = client.get("/.well-known/did.json").json()["authentication"]
    assert isinstance(kid, str)
    return kid


def test_the_verifier_key_authenticates_and_signs_no_credential(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    document = client.get("/.well-known/did.json").json()
    kid = _verifier_kid(client)
    assert kid.startswith(f"{DID}#zDn")
    assert kid in [method["id"] for method in document["verificationMethod"]]
    assert kid not in document["assertionMethod"]
    assert len(document["assertionMethod"]) == 2, "the Ed25519 and P-256 signing keys"
    assert kid not in [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]]
    # A credential signed with the verifier's key is refused: it is no key for assertions.
    verifier = keys_service.active_jws_key(
        db,
        cache=app.state.key_cache,
        algorithm=KeyAlgorithm.es256,
        purpose=KeyPurpose.authentication,
    )
    token = sd_jwt.split(worker.held.sd_jwt)[0]
    forged = jws.sign(
        jws.decode(token).payload,
        private_key=verifier.private_key,
        headers={"typ": "dc+sd-jwt", "kid": kid},
    )
    body = verify_http(client, worker.held.sd_jwt.replace(token, forged, 1))
    assert body["verified"] is False
    assert checks(body)["proof"] == ("failed", "unknown-key")


@pytest.mark.parametrize("form", ["dc+sd-jwt", "ldp_vc", "jwt_vc_json"])
def test_a_wallet_answers_a_signed_request_by_reference(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    worker = worker_with_wallet(client, app, db)
    body = _made(client, worker)
    link = body["signed_request_uri_link"]
    parameters = _link_parameters(link)
    state = body["authorization_request"]["state"]
    assert parameters == {
        "client_id": DID_CLIENT_ID,
        "request_uri": f"http://testserver/openid4vp/signed-requests/{state}",
        "request_uri_method": "post",
    }
    request = read_request_link(client, link)  # checked as a wallet checks it
    assert request["client_id"] == DID_CLIENT_ID
    assert request["aud"] == "https://self-issued.me/v2"
    by_value = body["authorization_request"]
    for name in ("response_type", "response_mode", "response_uri", "nonce", "state"):
        assert request[name] == by_value[name]
    assert request["dcql_query"] == by_value["dcql_query"]

    contexts = app.state.contexts
    presentations: dict[str, tuple[str, Callable[[], Any]]] = {
        "dc+sd-jwt": (
            "nassc_sd_jwt",
            lambda: sd_jwt_presentation(worker.held, request, disclose={"name"}),
        ),
        "ldp_vc": ("nassc_ldp_vc", lambda: ldp_presentation(worker.held, request, contexts)),
        "jwt_vc_json": ("nassc_jwt_vc", lambda: jwt_presentation(worker.held, request)),
    }
    query_id, make = presentations[form]
    answered = answer(client, request, query_id, make())
    assert answered.status_code == 200, answered.text
    result = client.get(f"{API}/{body['id']}", headers=worker.setup.provider).json()
    assert result["status"] == "answered"
    assert result["result"]["verified"] is True, result
    assert result["result"]["format"] == form
    assert result["result"]["disclosed"]["name"] == "María Fernanda López"


def test_a_presentation_for_another_audience_still_does_not_answer(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    request = read_request_link(client, _made(client, worker)["signed_request_uri_link"])
    for audience in ("decentralized_identifier:did:web:elsewhere.example", DID):
        presentation = sd_jwt_presentation(
            worker.held, request, disclose={"name"}, audience=audience
        )
        refused = answer(client, request, "nassc_sd_jwt", presentation)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"] == "invalid_request"
        assert "another audience" in refused.json()["error_description"]
    db.expire_all()
    assert db.scalars(select(PresentationRequest.status)).all() == ["pending"]


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _tampered(token: str, **claims: Any) -> str:
    header, _, signature = token.split(".")
    edited = {**jws.decode(token).payload, **claims}
    return f"{header}.{_b64(edited)}.{signature}"


def test_the_wallet_refuses_a_tampered_or_wrongly_signed_request_object(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    body = _made(client, worker)
    path = urlsplit(_link_parameters(body["signed_request_uri_link"])["request_uri"]).path
    fetched = client.post(path, data={"wallet_nonce": "n-1"})
    assert fetched.status_code == 200, fetched.text
    token = fetched.text
    document = resolve_did_web(client, DID)

    def check(candidate: str, *, wallet_nonce: str | None = "n-1", now: float | None = None) -> Any:
        return verify_request_object(
            candidate,
            client_id=DID_CLIENT_ID,
            did_document=document,
            wallet_nonce=wallet_nonce,
            now=now,
        )

    assert check(token)["wallet_nonce"] == "n-1"
    header = jws.decode(token).header
    payload = jws.decode(token).payload
    assessment_key = keys_service.active_jws_key(
        db, cache=app.state.key_cache, algorithm=KeyAlgorithm.es256
    )
    assertion_kid = f"{DID}#{assessment_key.kid}"
    refusals = {
        "signature": _tampered(token, response_uri="https://attacker.example/collect"),
        "signature does not verify": jws.sign(
            payload, private_key=ec.generate_private_key(ec.SECP256R1()), headers=header
        ),
        "not an authentication key": jws.sign(
            payload,
            private_key=assessment_key.private_key,
            headers={**header, "kid": assertion_kid},
        ),
        "typ": jws.sign(
            payload,
            private_key=assessment_key.private_key,
            headers={**header, "typ": "JWT"},
        ),
        "not a key of": jws.sign(
            payload,
            private_key=assessment_key.private_key,
            headers={**header, "kid": "did:web:elsewhere.example#k"},
        ),
    }
    for reason, candidate in refusals.items():
        with pytest.raises(RequestObjectRefused, match=reason):
            check(candidate)
    with pytest.raises(RequestObjectRefused, match="wallet's nonce"):
        check(token, wallet_nonce="another")  # a Request Object fetched for another wallet
    with pytest.raises(RequestObjectRefused, match="expired"):
        check(token, now=time.time() + 3600)


def test_the_signed_request_endpoint(client: TestClient, app: FastAPI, db: Session) -> None:
    worker = worker_with_wallet(client, app, db)
    body = _made(client, worker, ["dc+sd-jwt"])
    path = urlsplit(_link_parameters(body["signed_request_uri_link"])["request_uri"]).path
    by_get = client.get(path)
    assert by_get.status_code == 200, by_get.text
    assert by_get.headers["cache-control"] == "no-store"
    claims = verify_request_object(
        by_get.text,
        client_id=DID_CLIENT_ID,
        did_document=resolve_did_web(client, DID),
        wallet_nonce=None,
    )
    expires = int(db.scalars(select(PresentationRequest.expires_at)).one().timestamp())
    assert claims["exp"] == expires
    for method in (client.get, client.post):
        unknown = method("/openid4vp/signed-requests/nope")
        assert unknown.status_code == 404
        assert unknown.json()["error"] == "invalid_request"
    db.execute(update(PresentationRequest).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert client.post(path, data={"wallet_nonce": "n"}).status_code == 404


def test_a_rotated_verifier_key_signs_at_once_and_without_one_the_request_is_a_problem(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    body = _made(client, worker, ["dc+sd-jwt"])
    kid = _verifier_kid(client).split("#")[1]
    keys_service.rotate_key(
        db,
        store=app.state.key_store,
        now=utcnow(),
        algorithm=KeyAlgorithm.es256,
        purpose=KeyPurpose.authentication,
    )
    keys_service.retire_key(
        db, store=app.state.key_store, kid=kid, reason="rotated away", now=utcnow()
    )
    db.commit()
    assert _verifier_kid(client).split("#")[1] != kid
    request = read_request_link(client, body["signed_request_uri_link"])  # the new key's
    assert request["client_id"] == DID_CLIENT_ID
    db.execute(
        update(SigningKey)
        .where(SigningKey.purpose == KeyPurpose.authentication.value)
        .values(status="published")
    )
    db.commit()
    path = urlsplit(_link_parameters(body["signed_request_uri_link"])["request_uri"]).path
    assert_problem(client.get(path), 503, "no-signing-key")

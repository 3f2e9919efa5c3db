"""An employer asks a worker's wallet for a certification (OpenID4VP 1.0, DCQL, direct_post).

The wallet of tests/wallet/factories.py receives the credential over OpenID4VCI, then answers
the request in each format; its holder signatures are made with joserfc (JWTs) apart from our
own verifier.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.presentations import authorization
from app.presentations.models import PresentationRequest
from app.presentations.throttle import CreationThrottle
from app.verification.models import VerificationEvent
from tests.helpers import assert_problem
from tests.presentations.factories import page_request, worker_with_wallet
from tests.wallet.factories import answer, jwt_presentation, ldp_presentation

CLIENT_ID = "redirect_uri:http://testserver/openid4vp/response"


def _oauth_error(response: Any, error: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"] == error
    assert response.headers["cache-control"] == "no-store"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_request_is_openid4vp_with_dcql(client: TestClient, app: FastAPI, db: Session) -> None:
    worker = worker_with_wallet(client, app, db)
    asked = page_request(client, db, worker, claims=("name", "units"))
    request = asked.request
    assert request["response_type"] == "vp_token"
    assert request["response_mode"] == "direct_post"
    assert request["client_id"] == CLIENT_ID
    assert request["response_uri"] == "http://testserver/openid4vp/response"
    assert len(request["nonce"]) >= 32 and len(request["state"]) >= 32
    assert asked.page_url.split("/")[-1].split("?")[0] not in (request["state"], request["nonce"])
    query = request["dcql_query"]
    formats = {item["format"]: item for item in query["credentials"]}
    assert set(formats) == {"dc+sd-jwt", "ldp_vc", "jwt_vc_json"}
    code = worker.setup.standard.code
    assert formats["dc+sd-jwt"]["meta"] == {"vct_values": [f"http://testserver/vct/{code}"]}
    paths = [claim["path"] for claim in formats["dc+sd-jwt"]["claims"]]
    assert paths == [["achievement"], ["name"], ["units"]]
    assert formats["ldp_vc"]["meta"]["type_values"] == [
        ["VerifiableCredential", "OpenBadgeCredential"]
    ]
    assert {
        "id": "standard",
        "path": ["credentialSubject", "achievement", "humanCode"],
        "values": [code],
    } in formats["ldp_vc"]["claims"]
    assert query["credential_sets"] == [
        {"options": [["nassc_sd_jwt"], ["nassc_ldp_vc"], ["nassc_jwt_vc"]], "required": True}
    ]
    assert "ldp_vc" in request["client_metadata"]["vp_formats_supported"]


@pytest.mark.parametrize("form", ["ldp_vc", "jwt_vc_json"])
def test_a_w3c_presentation_answers_and_the_page_shows_the_result(
    client: TestClient, app: FastAPI, db: Session, form: str
) -> None:
    worker = worker_with_wallet(client, app, db)
    asked = page_request(client, db, worker, claims=("name",), lang="es")
    request = asked.request
    if form == "ldp_vc":
        response = answer(
            client,
            request,
            "nassc_ldp_vc",
            ldp_presentation(worker.held, request, app.state.contexts),
        )
    else:
        response = answer(client, request, "nassc_jwt_vc", jwt_presentation(worker.held, request))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {"redirect_uri": "http://testserver" + asked.page_url}
    page = client.get(asked.page_url)
    assert page.status_code == 200
    assert page.headers["content-language"] == "es"
    assert 'http-equiv="refresh"' not in page.text
    assert 'data-verdict="verified"' in page.text
    text = _text(page.text)
    assert "María Fernanda López" in text
    assert worker.setup.standard.code in text
    # A W3C credential cannot withhold claims, but what was not asked is not shown.
    assert "86.5" not in text
    assert "México" in text  # what the certification means in the employer's country
    events = db.scalar(select(func.count()).select_from(VerificationEvent))
    assert events == 1


def test_a_replayed_response_is_refused(client: TestClient, app: FastAPI, db: Session) -> None:
    worker = worker_with_wallet(client, app, db)
    request = page_request(client, db, worker).request
    presentation = jwt_presentation(worker.held, request)
    assert answer(client, request, "nassc_jwt_vc", presentation).status_code == 200
    _oauth_error(answer(client, request, "nassc_jwt_vc", presentation), "invalid_request")


def test_a_wrong_nonce_or_audience_is_refused_and_nothing_is_kept(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    asked = page_request(client, db, worker)
    request = asked.request
    other_nonce = {**request, "nonce": "another-request-nonce"}
    _oauth_error(
        answer(client, request, "nassc_jwt_vc", jwt_presentation(worker.held, other_nonce)),
        "invalid_request",
    )
    other_audience = {**request, "client_id": "redirect_uri:https://elsewhere.example/cb"}
    _oauth_error(
        answer(
            client,
            request,
            "nassc_ldp_vc",
            ldp_presentation(worker.held, other_audience, app.state.contexts),
        ),
        "invalid_request",
    )
    _oauth_error(answer(client, request, "no_such_query", "x"), "invalid_request")
    # Signed by another key than the holder's it names.
    stolen = jwt_presentation(worker.held, request, signer=Ed25519PrivateKey.generate())
    _oauth_error(answer(client, request, "nassc_jwt_vc", stolen), "invalid_request")
    _oauth_error(
        client.post("/openid4vp/response", data={"state": request["state"], "vp_token": "[]"}),
        "invalid_request",
    )
    db.expire_all()
    row = db.scalar(select(PresentationRequest))
    assert row is not None and row.status == "pending" and row.result is None
    assert db.scalar(select(func.count()).select_from(VerificationEvent)) == 0
    # The right answer is still accepted.
    good = answer(client, request, "nassc_jwt_vc", jwt_presentation(worker.held, request))
    assert good.status_code == 200, good.text


def test_the_worker_declines(client: TestClient, app: FastAPI, db: Session) -> None:
    worker = worker_with_wallet(client, app, db)
    asked = page_request(client, db, worker, lang="fr")
    declined = client.post(
        "/openid4vp/response",
        data={"state": asked.request["state"], "error": "access_denied"},
    )
    assert declined.status_code == 200, declined.text
    page = client.get(asked.page_url)
    assert 'data-request-state="declined"' in page.text
    assert "refusé" in page.text
    _oauth_error(
        client.post(
            "/openid4vp/response", data={"state": asked.request["state"], "error": "access_denied"}
        ),
        "invalid_request",
    )


def test_an_expired_request_takes_no_answer_and_its_page_is_gone(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    asked = page_request(client, db, worker)
    row = db.scalar(select(PresentationRequest))
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    request = asked.request
    _oauth_error(
        answer(client, request, "nassc_jwt_vc", jwt_presentation(worker.held, request)),
        "invalid_request",
    )
    gone = client.get(asked.page_url)
    assert gone.status_code == 404
    assert 'data-request-state="gone"' in gone.text
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(PresentationRequest)) == 0


def test_the_public_page_limits_requests_per_address(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    app.state.presentation_throttle = CreationThrottle(2)
    worker = worker_with_wallet(client, app, db)
    form = {"standard": worker.setup.standard.code, "formats": ["ldp_vc"], "country": "US"}
    for _ in range(2):
        assert client.post("/verify/wallet", data=form, follow_redirects=False).status_code == 303
    limited = client.post("/verify/wallet", data=form, follow_redirects=False)
    assert_problem(limited, 429, "rate-limited")
    assert int(limited.headers["retry-after"]) >= 1
    assert db.scalar(select(func.count()).select_from(PresentationRequest)) == 2


def test_the_form_says_what_is_missing(client: TestClient) -> None:
    page = client.get("/verify/wallet?lang=es")
    assert page.status_code == 200
    assert "Pedir a la billetera de la persona trabajadora" in page.text
    assert 'href="/verify/wallet' in client.get("/verify").text
    refused = client.post("/verify/wallet?lang=fr", data={"formats": ["ldp_vc"]})
    assert refused.status_code == 400
    assert "Choisissez une norme ou un secteur." in refused.text


def test_a_response_larger_than_the_body_limit_is_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    request = page_request(client, db, worker).request
    limit = app.state.settings.max_body_bytes
    huge = client.post(
        "/openid4vp/response",
        data={"state": request["state"], "vp_token": "x" * (limit + 1)},
    )
    assert_problem(huge, 413, "payload-too-large")
    db.expire_all()
    row = db.scalar(select(PresentationRequest))
    assert row is not None and row.status == "pending" and row.result is None


def test_the_qr_code_holds_a_short_request_by_value_and_a_long_one_by_reference(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    for formats, by_value in (
        (["dc+sd-jwt"], True),
        (["dc+sd-jwt", "ldp_vc", "jwt_vc_json"], False),
    ):
        made = client.post(
            "/api/v1/presentation-requests",
            headers=worker.setup.provider,
            json={"standard_code": worker.setup.standard.code, "formats": formats},
        )
        assert made.status_code == 201, made.text
        body = made.json()
        link = authorization.qr_link(
            body["authorization_request"], base_url="http://testserver", did="did:web:testserver"
        )
        assert link == (body["request_link"] if by_value else body["signed_request_uri_link"])
        assert len(link) <= authorization.MAX_QR_BY_VALUE

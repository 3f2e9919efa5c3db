"""SD-JWT VC answers: the worker discloses only some of what was asked, bound to the request
by a Key Binding JWT (signed with joserfc); the engine's SD-JWT VC verification checks it."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.presentations.models import PresentationRequest
from app.verification.models import VerificationEvent
from tests.presentations.factories import API, page_request, worker_with_wallet
from tests.wallet.factories import answer, holder_key, sd_jwt_presentation

QUERY = "nassc_sd_jwt"


def _oauth_error(response: Any) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_worker_shows_the_name_and_withholds_the_score(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    asked = page_request(client, db, worker, claims=("name", "score"), lang="en", country="CA")
    request = asked.request
    presentation = sd_jwt_presentation(worker.held, request, disclose={"name"})
    response = answer(client, request, QUERY, presentation)
    assert response.status_code == 200, response.text
    assert response.json()["redirect_uri"].endswith(asked.page_url)

    page = client.get(asked.page_url)
    assert 'data-verdict="verified"' in page.text
    text = _text(page.text)
    assert "María Fernanda López" in text
    assert "86.5" not in text
    withheld = re.search(r"<ul data-withheld>(.*?)</ul>", page.text, re.S)
    assert withheld is not None and "Score" in withheld.group(1)
    assert "key the credential is bound to" in text
    assert "Canada" in text  # recognition in the employer's country
    row = db.scalar(select(PresentationRequest))
    assert row is not None and row.result is not None
    assert row.result["disclosed"]["name"] == "María Fernanda López"
    assert row.result["withheld"] == ["score"]
    assert row.result["format"] == "dc+sd-jwt"
    assert db.scalar(select(VerificationEvent.standard_code)) == worker.setup.standard.code
    # The same presentation again: refused (single use).
    _oauth_error(answer(client, request, QUERY, presentation))


def test_key_binding_for_another_request_or_holder_is_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    request = page_request(client, db, worker, claims=("name",)).request
    held = worker.held
    cases = {
        "another audience": sd_jwt_presentation(
            held, request, disclose={"name"}, audience="redirect_uri:https://x.example/cb"
        ),
        "another nonce": sd_jwt_presentation(held, request, disclose={"name"}, nonce="n-0"),
        "stale": sd_jwt_presentation(
            held, request, disclose={"name"}, issued_at=int(time.time()) - 3600
        ),
        "another holder": sd_jwt_presentation(
            held, request, disclose={"name"}, signer=holder_key()
        ),
        "a claim not asked for": sd_jwt_presentation(held, request, disclose={"name", "score"}),
        "no key binding": sd_jwt_presentation(held, request, disclose={"name"}).rsplit("~", 1)[0]
        + "~",
    }
    for case, presentation in cases.items():
        response = answer(client, request, QUERY, presentation)
        assert response.status_code == 400, case
        assert response.json()["error"] == "invalid_request", case
    db.expire_all()
    row = db.scalar(select(PresentationRequest))
    assert row is not None and row.status == "pending" and row.result is None
    assert db.scalar(select(func.count()).select_from(VerificationEvent)) == 0


def test_a_revoked_sd_jwt_vc_is_shown_revoked(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    revoked = client.post(
        f"/api/v1/admin/credentials/{worker.credential_id}/revoke",
        headers=worker.setup.staff,
        json={"reason": "withdrawn"},
    )
    assert revoked.status_code == 200, revoked.text
    made = client.post(
        API,
        headers=worker.setup.provider,
        json={"standard_code": worker.setup.standard.code, "formats": ["dc+sd-jwt"]},
    )
    assert made.status_code == 201, made.text
    request = made.json()["authorization_request"]
    presentation = sd_jwt_presentation(worker.held, request, disclose={"name"})
    assert answer(client, request, QUERY, presentation).status_code == 200
    result = client.get(f"{API}/{made.json()['id']}", headers=worker.setup.provider).json()
    assert result["result"]["outcome"] == "revoked"
    assert result["result"]["verified"] is False
